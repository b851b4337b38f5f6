// spsview/viewer: embeds the spsview viewer in any element of a host page,
// and the <sps-viewer> custom element.
//
// The viewer runs where the audit API is: SPS's login cookie is HttpOnly and
// SPS sends no CORS headers, so only a page on the appliance's origin can call
// the API. The embed is therefore an <iframe> of the viewer served there
// (`cargo xtask serve --sps ...`, or the viewer behind the appliance's reverse
// proxy), inside a shadow root: the host page's CSS cannot reach it, and the
// viewer's CSS stays in its own document. No wasm is loaded by the host page.

const STYLE = `
:host { display: block; position: relative; min-height: 480px; contain: content; }
:host([hidden]) { display: none; }
iframe { display: block; box-sizing: border-box; width: 100%; height: 100%;
  min-height: inherit; border: 0; margin: 0; padding: 0; background: #fff; }
`;

/** The viewer's sessions page for `baseUrl` and a `q` query (text or a Query). */
export function viewerUrl(baseUrl, query) {
  const documentBase = typeof document !== 'undefined' ? document.baseURI : undefined;
  const base = new URL(baseUrl ?? '/', documentBase);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  const url = new URL('sessions', base);
  const q = query === undefined || query === null ? '' : String(query);
  if (q !== '') url.searchParams.set('q', q);
  return url.href;
}

/**
 * Mounts the viewer inside `element` (in its shadow root, created if needed).
 * Returns a handle: `show(query)` opens another search, `unmount()` removes it.
 */
export function mountViewer(element, { baseUrl, initialQuery, title } = {}) {
  if (typeof Element === 'undefined' || !(element instanceof Element)) {
    throw new TypeError('mountViewer needs a DOM element');
  }
  const root = element.shadowRoot ?? element.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const frame = document.createElement('iframe');
  frame.title = title ?? 'SPS sessions viewer';
  frame.setAttribute('part', 'frame');
  frame.src = viewerUrl(baseUrl, initialQuery);
  root.replaceChildren(style, frame);
  return {
    element,
    frame,
    show(query) {
      frame.src = viewerUrl(baseUrl, query);
    },
    unmount() {
      root.replaceChildren();
    },
  };
}

const Base = typeof HTMLElement === 'undefined' ? class {} : HTMLElement;

/** `<sps-viewer base-url="https://sps.example.com" query="protocol:ssh">`. */
export class SpsViewerElement extends Base {
  static get observedAttributes() {
    return ['base-url', 'query', 'title'];
  }

  #handle = null;

  connectedCallback() {
    this.#mount();
  }

  disconnectedCallback() {
    this.#handle?.unmount();
    this.#handle = null;
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#mount();
  }

  #mount() {
    this.#handle = mountViewer(this, {
      baseUrl: this.getAttribute('base-url') ?? undefined,
      initialQuery: this.getAttribute('query') ?? undefined,
      title: this.getAttribute('title') ?? undefined,
    });
  }
}

/** Defines the custom element (done on import as `sps-viewer`). */
export function defineViewerElement(name = 'sps-viewer') {
  if (typeof customElements !== 'undefined' && !customElements.get(name)) {
    customElements.define(name, class extends SpsViewerElement {});
  }
}

defineViewerElement();
