import htm from 'htm';
import { h } from 'preact';

/** JSX-like templates without a compile step of their own: `html\`<p>${x}</p>\``. */
export const html = htm.bind(h);
