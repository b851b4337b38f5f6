// Types of `spsview/viewer`: the embedded viewer and the <sps-viewer> element.
import type { Query } from './index.js';

/** Where the viewer is, and what it shows first. */
export interface MountOptions {
  /**
   * Where the viewer is served, on the appliance's origin (the viewer must
   * share the API's origin: SPS's cookie is HttpOnly and SPS sends no CORS
   * headers). Default: this page's origin.
   */
  baseUrl?: string;
  /** The first search: `q` text or a built Query. */
  initialQuery?: string | Query;
  /** The iframe's accessible title. Default `SPS sessions viewer`. */
  title?: string;
}

/** A mounted viewer. */
export interface ViewerHandle {
  readonly element: Element;
  /** The viewer's frame, inside the element's shadow root (CSS part `frame`). */
  readonly frame: HTMLIFrameElement;
  /** Opens another search. */
  show(query?: string | Query): void;
  /** Removes the viewer. */
  unmount(): void;
}

/** Mounts the viewer inside `element`, isolated in its shadow root. */
export declare function mountViewer(element: Element, options?: MountOptions): ViewerHandle;

/** The URL of the viewer's sessions page for a query. */
export declare function viewerUrl(baseUrl?: string, query?: string | Query): string;

/** `<sps-viewer base-url="..." query="..." title="...">`. */
export declare class SpsViewerElement extends HTMLElement {
  static readonly observedAttributes: string[];
}

/** Defines the custom element under another name (`sps-viewer` is defined on import). */
export declare function defineViewerElement(name?: string): void;

declare global {
  interface HTMLElementTagNameMap {
    'sps-viewer': SpsViewerElement;
  }
}
