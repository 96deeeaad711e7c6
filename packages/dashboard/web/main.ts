import { render } from 'preact';
import { App } from './app';
import { html } from './html';

const root = document.getElementById('app')!;
root.textContent = ''; // the "Loading…" placeholder
render(html`<${App} />`, root);
