// Loads the wasm app. Kept out of index.html so a strict Content-Security-Policy needs no
// inline-script exception.
import init from '/lifeboat.js';

init({ module_or_path: '/lifeboat_bg.wasm' });
