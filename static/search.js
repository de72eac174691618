// Search page of the newsarchive default theme, on Pagefind's JavaScript API.
// The bundle is found relative to this file (static/../pagefind/), so the
// same build works at a domain root and under a subpath such as /archive/.
// Without the bundle (Pagefind not installed, or the site opened from disk)
// the page says search is unavailable and links to the archive instead.

const PAGE_SIZE = 10;
const FILTER_LABELS = {
  year: "Year", topics: "Topic", places: "Place", people: "Person",
  organizations: "Organization", subjects: "Subject", sources: "Source", authors: "Author",
};
const FILTER_ORDER = Object.keys(FILTER_LABELS);
const siteRoot = new URL("../", import.meta.url);

const form = document.getElementById("search-form");
const input = document.getElementById("search-query");
const filtersBox = document.getElementById("search-filters");
const optionsBox = document.getElementById("search-options");
const sortSelect = document.getElementById("search-sort");
const statusLine = document.getElementById("search-status");
const resultList = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const selects = new Map();

let pagefind = null;
let pending = [];
let generation = 0;
let timer = 0;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

// Pagefind's excerpts are escaped text with <mark> around the matched words;
// keep those tags and escape anything else that looks like markup.
function safeExcerpt(html) {
  return html.replace(/<(?!\/?mark>)/g, "&lt;");
}

function renderResult(data) {
  const item = element("li", "search-result");
  const heading = element("h2", "card-title");
  const link = element("a", "", data.meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  item.append(heading);
  const meta = element("p", "meta");
  if (data.meta.date) meta.append(element("span", "date", data.meta.date));
  if (data.meta.date && data.meta.source) meta.append(" · ");
  if (data.meta.source) meta.append(element("span", "source", data.meta.source));
  if (meta.childNodes.length) item.append(meta);
  const excerpt = element("p", "summary");
  excerpt.innerHTML = safeExcerpt(data.excerpt || "");
  item.append(excerpt);
  return item;
}

async function showMore(run) {
  const batch = pending.splice(0, PAGE_SIZE);
  const data = await Promise.all(batch.map((result) => result.data()));
  if (run !== generation) return;
  for (const entry of data) resultList.append(renderResult(entry));
  moreButton.hidden = pending.length === 0;
}

function chosenFilters() {
  const filters = {};
  for (const [key, select] of selects) {
    if (select.value) filters[key] = select.value;
  }
  return filters;
}

function describe(count, query, filters) {
  const words = query ? ` for “${query}”` : "";
  const narrowed = Object.keys(filters).length ? " with the chosen filters" : "";
  if (count === 0) return `No results${words}${narrowed}.`;
  return `${count} result${count === 1 ? "" : "s"}${words}${narrowed}.`;
}

function remember(query) {
  const url = new URL(window.location.href);
  if (query) url.searchParams.set("q", query);
  else url.searchParams.delete("q");
  window.history.replaceState(null, "", url);
}

async function runSearch() {
  const run = ++generation;
  const query = input.value.trim();
  const filters = chosenFilters();
  remember(query);
  if (!query && Object.keys(filters).length === 0) {
    resultList.replaceChildren();
    pending = [];
    moreButton.hidden = true;
    statusLine.textContent = "";
    return;
  }
  const options = { filters };
  if (sortSelect.value) options.sort = { date: sortSelect.value };
  const search = await pagefind.search(query || null, options);
  if (run !== generation || search === null) return;
  resultList.replaceChildren();
  pending = search.results.slice();
  statusLine.textContent = describe(search.results.length, query, filters);
  await showMore(run);
}

function schedule(delay) {
  window.clearTimeout(timer);
  timer = window.setTimeout(() => { runSearch().catch(fail); }, delay);
}

function fail(error) {
  console.warn("newsarchive search:", error);
  form.hidden = true;
  statusLine.textContent = "";
  document.getElementById("search-unavailable").hidden = false;
}

async function buildFilters() {
  const available = await pagefind.filters();
  const keys = Object.keys(available).sort((a, b) => {
    const rank = (key) => (FILTER_ORDER.includes(key) ? FILTER_ORDER.indexOf(key) : FILTER_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  for (const key of keys) {
    const values = Object.keys(available[key]);
    if (values.length === 0) continue;
    values.sort(key === "year" ? (a, b) => b.localeCompare(a) : (a, b) => a.localeCompare(b));
    const box = element("div", "search-filter");
    const label = element("label", "", FILTER_LABELS[key] || key.charAt(0).toUpperCase() + key.slice(1));
    const select = element("select");
    select.id = `search-filter-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    select.name = key;
    label.htmlFor = select.id;
    select.append(new Option("Any", ""));
    for (const value of values) select.append(new Option(`${value} (${available[key][value]})`, value));
    select.addEventListener("change", () => schedule(0));
    selects.set(key, select);
    box.append(label, select);
    filtersBox.insertBefore(box, filtersBox.lastElementChild);
  }
}

async function start() {
  pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
  await pagefind.options({ baseUrl: siteRoot.pathname });
  form.hidden = false;
  // Filters start open where there is room for them, folded away on phones.
  optionsBox.open = window.matchMedia("(min-width: 48rem)").matches;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    schedule(0);
  });
  input.addEventListener("input", () => schedule(250));
  sortSelect.addEventListener("change", () => schedule(0));
  moreButton.addEventListener("click", () => { showMore(generation).catch(fail); });
  await buildFilters();
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    await runSearch();
  }
}

start().catch(fail);
