// Spanish names of the states and territories whose usual Spanish name differs from the English
// one (the English names and the codes are in state.ts): the web app's Spanish pages and the
// server's Spanish share tags read this one list.

export const STATE_NAMES_ES: Readonly<Record<string, string>> = {
  DC: "Distrito de Columbia",
  HI: "Hawái",
  LA: "Luisiana",
  MI: "Míchigan",
  MS: "Misisipi",
  MO: "Misuri",
  NH: "Nuevo Hampshire",
  NJ: "Nueva Jersey",
  NM: "Nuevo México",
  NY: "Nueva York",
  NC: "Carolina del Norte",
  ND: "Dakota del Norte",
  OR: "Oregón",
  PA: "Pensilvania",
  SC: "Carolina del Sur",
  SD: "Dakota del Sur",
  WV: "Virginia Occidental",
  VI: "Islas Vírgenes de EE. UU.",
  MP: "Islas Marianas del Norte",
  AS: "Samoa Americana",
};
