// Electron 45 and its tooling (@electron/get for the first-launch download, @electron/rebuild,
// @electron/fuses) declare Node 22.12 or newer. The rest of Waybill runs on Node 20, so this check
// guards only the scripts that run that tooling (`npm start`, `npm run dist`), with a plain message
// instead of whatever a newer-Node API would throw half-way through.
const [major, minor] = process.versions.node.split('.').map(Number);
const ok = major > 22 || (major === 22 && minor >= 12);
if (!ok) {
  console.error(
    `This step runs Electron's own tooling, which needs Node.js 22.12 or newer; this is Node ${process.versions.node}.\n` +
      'Everything else (npm install, npm test, npm run demo, npm run web, the CLI) works on Node 20.19.',
  );
  process.exit(1);
}
