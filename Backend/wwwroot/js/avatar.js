// The persona's face: an SVG whose mouth takes the 15 Oculus viseme shapes of avatar-response's `visemes` track.
// Each shape is a mouth width and opening (in SVG units); the mouth eases towards the current shape every frame so
// the lips move rather than jump.

const shapes = {
  sil: { width: 15, open: 0.5 },
  PP: { width: 14, open: 0 },
  FF: { width: 16, open: 2.5 },
  TH: { width: 16, open: 4.5 },
  DD: { width: 17, open: 5.5 },
  kk: { width: 17, open: 7 },
  CH: { width: 12, open: 7.5 },
  SS: { width: 19, open: 3 },
  nn: { width: 16, open: 5 },
  RR: { width: 12, open: 6.5 },
  aa: { width: 18, open: 15 },
  E: { width: 20, open: 9 },
  I: { width: 21, open: 5.5 },
  O: { width: 11, open: 12 },
  U: { width: 8, open: 7.5 },
};

export const visemeNames = Object.keys(shapes);

export class AvatarFace {
  /** @param {SVGPathElement} mouth  the mouth path inside the face's SVG, centred on (mouthX, mouthY) */
  constructor(mouth, { x = 60, y = 84 } = {}) {
    this.mouth = mouth;
    this.x = x;
    this.y = y;
    this.current = { ...shapes.sil };
    this.target = shapes.sil;
    this.viseme = 'sil';
    this.draw();
  }

  show(viseme) {
    this.viseme = shapes[viseme] ? viseme : 'sil';
    this.target = shapes[this.viseme];
    this.mouth.dataset.viseme = this.viseme;
  }

  /** One animation frame: move part of the way to the target shape. */
  step() {
    this.current.width += (this.target.width - this.current.width) * 0.5;
    this.current.open += (this.target.open - this.current.open) * 0.5;
    this.draw();
  }

  draw() {
    const { x, y } = this;
    const w = this.current.width / 2;
    const h = this.current.open;
    // Upper lip a shallow curve, lower lip a deeper one: an open mouth is a rounded lens, a closed one a line.
    this.mouth.setAttribute('d',
      `M ${x - w} ${y} Q ${x} ${y - 1 - h * 0.35} ${x + w} ${y} Q ${x} ${y + 1 + h} ${x - w} ${y} Z`);
  }
}
