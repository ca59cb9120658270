// Each persona's own look, from the scenario file's persona.face (GET /api/scenarios): skin and hair colours, a hair
// style, glasses, a beard, the backdrop. Colours go through the CSS object model (not style attributes), which the
// page's Content-Security-Policy allows; whatever a face leaves out keeps the page's default.

const hairPaths = {
  short: 'M16 54 Q22 14 60 14 Q98 14 104 54 Q92 30 60 30 Q30 30 16 54 Z',
  long: 'M14 92 Q8 14 60 12 Q112 14 106 92 L98 92 Q100 40 60 30 Q22 40 22 92 Z',
  bun: 'M16 54 Q22 14 60 14 Q98 14 104 54 Q92 30 60 30 Q30 30 16 54 Z M48 14 A12 10 0 1 1 72 14 A12 10 0 1 1 48 14 Z',
  bald: 'M15 62 Q14 44 22 38 Q20 50 22 62 Z M105 62 Q106 44 98 38 Q100 50 98 62 Z',
};

/** @param {SVGSVGElement} svg  the avatar: .skin, .hair, #glasses and #beard inside */
export function wearFace(svg, face = {}) {
  const look = { skin: null, hair: null, hairStyle: 'short', glasses: false, beard: false, backdrop: null, ...(face ?? {}) };
  paint(svg.querySelector('.skin'), 'fill', look.skin);
  const hair = svg.querySelector('.hair');
  hair.setAttribute('d', hairPaths[look.hairStyle] ?? hairPaths.short);
  paint(hair, 'fill', look.hair);
  paint(svg.querySelector('#beard'), 'fill', look.hair);
  svg.querySelector('#glasses').setAttribute('visibility', look.glasses ? 'visible' : 'hidden');
  svg.querySelector('#beard').setAttribute('visibility', look.beard ? 'visible' : 'hidden');
  paint(svg, 'background-color', look.backdrop);
  svg.dataset.hairStyle = look.hairStyle;
}

function paint(element, property, colour) {
  if (colour) element.style.setProperty(property, colour);
  else element.style.removeProperty(property);
}
