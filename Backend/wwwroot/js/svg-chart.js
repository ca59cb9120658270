// What the admin page's charts share: one frame size, and SVG elements made with DOM calls (the pages' CSP allows no
// inline style or script).

const SVG = 'http://www.w3.org/2000/svg';

/** The charts' viewBox: width, height, and the padding left for the axis labels. */
export const W = 640;
export const H = 180;
export const PAD = 28;

/** An SVG element with these attributes (and text, for labels and titles). */
export function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}
