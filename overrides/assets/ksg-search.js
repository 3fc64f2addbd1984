// The search page /suche/ (issue 5): query, filters and sort live in the URL; Pagefind does the work.
//
// Nothing of the search index is loaded until a search starts: pagefind.js (and through it the WASM
// module and the index chunks) is imported the first time there is a query or a filter to search for.
// Filter options are rendered by the template from the taxonomy; Pagefind only supplies the counts.
const form = document.querySelector("[data-ksg-search]");
const input = form.elements.q;
const filterSelects = Array.from(form.querySelectorAll("select[data-filter]"));
const sortSelect = form.elements.sortierung;
const status = document.getElementById("ksg-search-status");
const list = document.getElementById("ksg-search-results");
const moreButton = document.getElementById("ksg-search-more");
const resetLink = form.querySelector("[data-ksg-search-reset]");
const panel = form.querySelector("[data-ksg-search-options]"); // filters and sort, a <details>
const FIELDS = ["q", ...filterSelects.map((select) => select.name), "sortierung"];
// Five results at a time: each costs its fragment (some 5 KB, the whole text for the excerpt).
const PAGE_SIZE = 5;
// While a reader types, the index chunks for the words so far are fetched early (PRELOAD_DELAY); results,
// whose excerpts cost one fragment each, only once typing pauses (TYPING_DELAY) or the form is sent. So a
// slowly typed "Bibliothek" does not fetch five fragments for "Bib", "Bibli" and "Biblio" on the way.
const PRELOAD_DELAY = 150; // ms
const TYPING_DELAY = 500; // ms without a key press before a typed query is searched

let pagefind = null; // the Pagefind module, once loaded
let latest = 0; // number of the newest search; answers to older ones are dropped
let shown = []; // results of the current search
let shownCount = 0;
let typingTimer = 0;
let preloadTimer = 0;
let filtersLoaded = false; // Pagefind's filter files, needed for the counts only

// --- state: the form <-> the URL ---------------------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const state = {};
  for (const name of FIELDS) state[name] = (params.get(name) || "").trim();
  return state;
}

function stateFromForm() {
  const state = {};
  for (const name of FIELDS) state[name] = (form.elements[name].value || "").trim();
  return state;
}

function showState(state) {
  input.value = state.q;
  for (const select of [...filterSelects, sortSelect]) {
    const known = Array.from(select.options).some((option) => option.value === state[select.name]);
    select.value = known ? state[select.name] : "";
  }
  if ([...filterSelects, sortSelect].some((select) => select.value)) panel.open = true;
}

function urlFor(state) {
  const params = new URLSearchParams();
  for (const name of FIELDS) if (state[name]) params.set(name, state[name]);
  const query = params.toString();
  return window.location.pathname + (query ? "?" + query : "");
}

function remember(state, newEntry) {
  const url = urlFor(state);
  if (url === window.location.pathname + window.location.search) return;
  // A finished search (submit, a changed filter) gets its own history entry; typing only replaces it.
  if (newEntry) window.history.pushState(state, "", url);
  else window.history.replaceState(state, "", url);
}

// --- Pagefind ----------------------------------------------------------------------------------

async function loadPagefind() {
  if (!pagefind) {
    const module = await import(new URL(form.dataset.pagefind, document.baseURI).href);
    // Result URLs are site-relative ("/geschichten/..."); the site may live below a sub-path.
    const siteRoot = new URL(form.dataset.siteRoot, document.baseURI).pathname;
    // No web worker: its script would add some 12 KB (41 KB unpacked) to the first search, which must
    // stay small on a rural mobile connection; searches over these chunks take milliseconds anyway.
    await module.options({ baseUrl: siteRoot, excerptLength: 26, noWorker: true });
    pagefind = module;
  }
  return pagefind;
}

function filtersOf(state) {
  const filters = {};
  for (const select of filterSelects) if (state[select.name]) filters[select.dataset.filter] = state[select.name];
  return filters;
}

// Sorted by date, Pagefind leaves out pages without a date (towns, pillars) but still counts them in
// its filter counts. Asking for "any year" leaves them out of both, so results and counts agree.
const yearSelect = filterSelects.find((select) => select.dataset.filter === "year");
const ANY_YEAR = { any: Array.from(yearSelect.options).map((option) => option.value).filter(Boolean) };

function searchFilters(state, sort) {
  const filters = filtersOf(state);
  if (sort && !filters.year) filters.year = ANY_YEAR;
  return filters;
}

function sortOf(state) {
  if (state.sortierung === "neu") return { date: "desc" };
  if (state.sortierung === "alt") return { date: "asc" };
  return state.q ? undefined : { date: "desc" }; // filters without words: newest first
}

// Counts for one filter group are those of the search with every *other* group applied, so that each
// number says how many results choosing that value would give. Pagefind has the chunks loaded already:
// these extra searches cost no download. They sort as the search does: sorted by date, only pages with
// a date (stories) are results, and the counts must say the same.
async function filterCounts(engine, term, chosen, filters, sort, search) {
  const counts = {};
  for (const select of filterSelects) {
    const key = select.dataset.filter;
    if (!(key in chosen)) {
      counts[key] = search.filters[key] || {};
      continue;
    }
    const others = { ...filters };
    delete others[key];
    const wider = await engine.search(term, { filters: others, sort });
    counts[key] = (wider && wider.filters[key]) || {};
  }
  return counts;
}

// --- output ------------------------------------------------------------------------------------

function announce(text) {
  status.textContent = text;
}

function plural(count, one, many) {
  return `${count.toLocaleString("de-DE")} ${count === 1 ? one : many}`;
}

function describe(state, count) {
  const parts = [];
  if (state.q) parts.push(`für „${state.q}“`);
  const chosen = filterSelects.filter((select) => select.value).map((select) => select.selectedOptions[0].dataset.label);
  if (chosen.length) parts.push(`(${chosen.join(", ")})`);
  const found = count === 0 ? "Keine Ergebnisse" : plural(count, "Ergebnis", "Ergebnisse");
  return [found, ...parts].join(" ") + (count === 0 ? ". Versuchen Sie ein anderes Wort oder weniger Filter." : ".");
}

function showCounts(counts) {
  for (const select of filterSelects) {
    const values = counts[select.dataset.filter] || {};
    for (const option of select.options) {
      if (!option.value) continue;
      const count = values[option.value] || 0;
      option.textContent = `${option.dataset.label} (${count})`;
      option.dataset.count = String(count);
    }
  }
}

function clearCounts() {
  for (const select of filterSelects) {
    for (const option of select.options) {
      if (option.value) option.textContent = option.dataset.label;
      delete option.dataset.count;
    }
  }
}

// Pagefind's excerpt is escaped text with <mark> around the hits: keep exactly that and nothing else.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  const nodes = [];
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// What a result is, told by its address (cheaper than a meta field, which Pagefind would also index).
function kindOf(url) {
  if (url.includes("/geschichten/")) return "Geschichte";
  if (url.includes("/orte/")) return "Ort";
  if (url.includes("/pfeiler/")) return "Pfeiler";
  return "";
}

function resultItem(data, withExcerpt) {
  const meta = data.meta || {};
  const item = element("li", "ksg-result");
  const heading = element("h3", "ksg-result__title");
  const link = element("a", "", meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  const facts = [kindOf(data.url), meta.date, meta.town].filter(Boolean);
  item.append(heading);
  if (facts.length) item.append(element("p", "ksg-result__meta", facts.join(" · ")));
  if (meta.teaser) item.append(element("p", "ksg-result__teaser", meta.teaser));
  if (withExcerpt && data.excerpt) {
    const excerpt = element("p", "ksg-result__excerpt");
    excerpt.append("… ", ...excerptNodes(data.excerpt), " …");
    item.append(excerpt);
  }
  return item;
}

async function showMore(searchNumber, state, focusFirst) {
  const next = shown.slice(shownCount, shownCount + PAGE_SIZE);
  list.setAttribute("aria-busy", "true");
  const data = await Promise.all(next.map((result) => result.data()));
  if (searchNumber !== latest) return;
  const items = data.map((entry) => resultItem(entry, Boolean(state.q)));
  list.append(...items);
  list.setAttribute("aria-busy", "false");
  shownCount += next.length;
  moreButton.hidden = shownCount >= shown.length;
  moreButton.textContent = `Weitere Ergebnisse zeigen (${(shown.length - shownCount).toLocaleString("de-DE")} von ${shown.length.toLocaleString("de-DE")} noch nicht gezeigt)`;
  if (focusFirst && items.length) items[0].querySelector("a").focus();
}

async function search(state) {
  try {
    await runSearch(state);
  } catch (error) {
    // A chunk that did not arrive (a dropped connection): say so instead of "Suche läuft …" forever.
    list.setAttribute("aria-busy", "false");
    announce("Die Suche ist fehlgeschlagen, vielleicht ist die Verbindung abgerissen. Bitte versuchen Sie es noch einmal.");
  }
}

async function runSearch(state) {
  const number = ++latest;
  const filters = filtersOf(state);
  if (!state.q && !Object.keys(filters).length) {
    list.replaceChildren();
    moreButton.hidden = true;
    shown = [];
    clearCounts();
    announce("");
    return;
  }
  announce("Suche läuft …");
  list.setAttribute("aria-busy", "true");
  const engine = await loadPagefind();
  if (panel.open && !filtersLoaded) {
    await engine.filters(); // loads every filter file once; later searches count with them
    filtersLoaded = true;
  }
  const term = state.q || null;
  const sort = sortOf(state);
  const applied = searchFilters(state, sort);
  const found = await engine.search(term, { filters: applied, sort });
  if (number !== latest || !found) return;
  const counts = filtersLoaded ? await filterCounts(engine, term, filters, applied, sort, found) : null;
  if (number !== latest) return;
  shown = found.results;
  shownCount = 0;
  list.replaceChildren();
  if (counts) showCounts(counts);
  else clearCounts();
  await showMore(number, state, false);
  if (number !== latest) return;
  announce(describe(state, shown.length));
}

// --- events ------------------------------------------------------------------------------------

form.addEventListener("submit", (event) => {
  event.preventDefault();
  window.clearTimeout(typingTimer);
  const state = stateFromForm();
  remember(state, true);
  search(state);
});

input.addEventListener("input", () => {
  window.clearTimeout(typingTimer);
  window.clearTimeout(preloadTimer);
  preloadTimer = window.setTimeout(() => {
    const term = input.value.trim();
    if (term) loadPagefind().then((engine) => engine.preload(term)).catch(() => {}); // search() reports failures
  }, PRELOAD_DELAY);
  typingTimer = window.setTimeout(() => {
    const state = stateFromForm();
    remember(state, false);
    search(state);
  }, TYPING_DELAY);
});

for (const select of [...filterSelects, sortSelect]) {
  select.addEventListener("change", () => {
    window.clearTimeout(typingTimer);
    const state = stateFromForm();
    remember(state, true);
    search(state);
  });
}

resetLink.addEventListener("click", (event) => {
  event.preventDefault();
  const state = Object.fromEntries(FIELDS.map((name) => [name, ""]));
  showState(state);
  remember(state, true);
  search(state);
  input.focus();
});

// Opening the filters during a search fetches the counts for it.
panel.addEventListener("toggle", () => {
  if (panel.open && !filtersLoaded) {
    const state = stateFromForm();
    if (state.q || Object.keys(filtersOf(state)).length) search(state);
  }
});

moreButton.addEventListener("click", () => showMore(latest, stateFromForm(), true));

// Back and forward restore the search of that moment.
window.addEventListener("popstate", () => {
  const state = stateFromUrl();
  showState(state);
  search(state);
});

const initial = stateFromUrl();
showState(initial);
search(initial);
