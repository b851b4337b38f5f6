// Starts the wasm app. Trunk would otherwise inject an inline <script type="module">,
// which the page's Content-Security-Policy (script-src 'self') forbids. Trunk.toml's
// pattern_script emits <script type="module" src="/boot.js" data-js=... data-wasm=...>
// instead, so the hashed file names still come from Trunk, and no script is inline.
const tag = document.querySelector("script[data-sps-boot]");

function showBootError(message) {
  // Text only: the message may quote a URL or an exception.
  const box = document.createElement("div");
  box.className = "boot-error";
  box.setAttribute("role", "alert");
  box.textContent = "spsview could not start: " + message;
  document.body.replaceChildren(box);
}

try {
  if (!tag || !tag.dataset.js || !tag.dataset.wasm) {
    throw new Error("the loader tag is missing its data-js/data-wasm attributes");
  }
  const { default: init } = await import(tag.dataset.js);
  await init({ module_or_path: tag.dataset.wasm });
} catch (err) {
  showBootError(err && err.message ? err.message : String(err));
}
