// How the map draws a dot, shared by the page and the worker that draws the whole map.

export const COLOURS = { drums: "#ff8a4f", tonal: "#4fb3ff", fx: "#b78cff", loops: "#5fd38a", unknown: "#8a9099" };
export const FAMILIES = Object.keys(COLOURS);
export const MARGIN = 6; // pixels around the dots, so that none is cut at an edge

/** A point's family as an index into FAMILIES ("unknown" for none). */
export function familyIndex(name) {
  const index = FAMILIES.indexOf(name);
  return index >= 0 ? index : FAMILIES.indexOf("unknown");
}

/** Adds a dot to the context's current path. */
export function addDot(context, x, y, radius) {
  context.moveTo(x + radius, y);
  context.arc(x, y, radius, 0, 2 * Math.PI);
}
