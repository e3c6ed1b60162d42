// Appends to a list kept in a Map, creating it on first use. (Rebuilding the list with a spread
// on every append is quadratic, and some of these lists hold thousands of ids.)

export function addTo<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}
