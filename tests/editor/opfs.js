// Test helper (tests/test_editor.py): a local "repository" for Sveltia CMS's local workflow without a
// dialog. Files go into the origin-private file system (OPFS); window.showDirectoryPicker returns its root.
window.ksgFillRepository = async (files) => {
  const root = await navigator.storage.getDirectory();
  for (const [path, base64] of Object.entries(files)) {
    const parts = path.split("/");
    let folder = root;
    for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part, { create: true });
    if (parts[parts.length - 1] === "") continue;  // a folder only, such as ".git/"
    const handle = await folder.getFileHandle(parts[parts.length - 1], { create: true });
    const writable = await handle.createWritable();
    await writable.write(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    await writable.close();
  }
  return Object.keys(files).length;
};
window.ksgReadRepository = async (prefix) => {
  const root = await navigator.storage.getDirectory();
  const out = {};
  const walk = async (folder, path) => {
    for await (const [name, handle] of folder.entries()) {
      const full = path ? `${path}/${name}` : name;
      if (handle.kind === "directory") await walk(handle, full);
      else if (full.startsWith(prefix)) {
        const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
        let binary = "";
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        out[full] = btoa(binary);
      }
    }
  };
  await walk(root, "");
  return out;
};
window.showDirectoryPicker = async () => navigator.storage.getDirectory();
