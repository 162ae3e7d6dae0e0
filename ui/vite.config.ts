import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The webview runs under a strict CSP (default-src 'self'), so the build must not
// reference any remote resource and must not emit inline scripts.
export default defineConfig({
  base: "./",
  plugins: [react()],
  clearScreen: false,
  envPrefix: ["VITE_", "TAURI_ENV_"],
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Tauri's webviews: WebView2 (Chromium) on Windows, WKWebView / WebKitGTK elsewhere.
    target: ["es2021", "chrome105", "safari15"],
    // The polyfill is bundled into the entry chunk anyway, but it is not needed by these targets.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // One chunk, read from disk by the webview (no network): splitting it would not make the
    // window open sooner. ~650 kB with the markdown, sanitiser and highlighter grammars.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
