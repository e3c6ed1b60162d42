// Embed mode's side of the self-sizing iframe: the embedded page posts its content height to the
// page around it whenever it changes, and the embed snippet (ui.tsx EmbedCode) sets the iframe's
// height from it. `ready` says nothing is still loading, so a measurement can be trusted.

export const HEIGHT_MESSAGE = "g287:height";

export interface HeightMessage {
  type: typeof HEIGHT_MESSAGE;
  height: number;
  ready: boolean;
}

/** The height of what is drawn, not of the frame: the frame's own height would only ever grow. */
export function contentHeight(): number {
  const root = document.getElementById("app") ?? document.body;
  return Math.ceil(root.getBoundingClientRect().height);
}

/** Starts posting heights to the parent window; returns the stop function. Nothing outside a frame. */
export function postHeights(): () => void {
  if (window.parent === window) return () => {};
  let last = "";
  const send = () => {
    const msg: HeightMessage = {
      type: HEIGHT_MESSAGE,
      height: contentHeight(),
      ready: !document.querySelector(".loading, .map-placeholder"),
    };
    const key = `${msg.height}|${msg.ready}`;
    if (key === last) return;
    last = key;
    // Heights only, nothing private: any page may embed the chart, so any origin may hear it.
    window.parent.postMessage(msg, "*");
  };
  const root = document.getElementById("app") ?? document.body;
  const ro = new ResizeObserver(send);
  ro.observe(root);
  // Loading states can end without a size change; a short watch covers them.
  const mo = new MutationObserver(send);
  mo.observe(root, { childList: true, subtree: true });
  send();
  return () => {
    ro.disconnect();
    mo.disconnect();
  };
}

/**
 * The listener the embed snippet carries, as one line of plain script: it resizes the iframe with
 * this id when a height message comes from it and from the site's own origin.
 */
export function listenerScript(id: string, origin: string): string {
  return `<script>addEventListener("message",function(e){var d=e.data,f=document.getElementById(${JSON.stringify(id)});if(e.origin!==${JSON.stringify(origin)}||!f||e.source!==f.contentWindow||!d||d.type!=="${HEIGHT_MESSAGE}")return;f.style.height=d.height+"px"})</script>`;
}
