// Keyboard shortcuts as in Material for MkDocs (issue 5): `/`, `s` or `f` put the cursor into the search
// field: the search page's own field where there is one, otherwise the one in the header. Loads nothing.
document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
  if (!["/", "s", "f"].includes(event.key)) return;
  const target = event.target;
  if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
  const field = document.querySelector("[data-ksg-search] input[name=q]") || document.getElementById("ksg-header-q");
  if (!field || field.getClientRects().length === 0) return; // hidden, e.g. the header field on a phone
  event.preventDefault();
  field.focus();
  field.select();
});
