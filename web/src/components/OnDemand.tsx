// Something heavy drawn only when the reader asks for it: a button until then. The state page's
// county map uses it, so a phone does not fetch the county outlines (about 240 kB compressed)
// unless someone wants the map. In an embed, where the map is the whole point, it draws at once.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useApp } from "../app.js";

export function OnDemand({ label, children }: { label: string; children: ComponentChildren }) {
  const app = useApp();
  const [shown, setShown] = useState(app.embed);
  if (shown) return <>{children}</>;
  return (
    <p class="on-demand">
      <button type="button" onClick={() => setShown(true)}>
        {label}
      </button>
    </p>
  );
}
