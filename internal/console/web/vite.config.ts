import { defineConfig } from "vite";

// Fixed file names (no content hashes): the built dist/ is committed and
// compared byte for byte with a fresh build by console_test.go.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    modulePreload: false,
    rollupOptions: {
      output: {
        entryFileNames: "assets/console.js",
        chunkFileNames: "assets/[name].js",
        assetFileNames: "assets/[name][extname]",
      },
    },
  },
});
