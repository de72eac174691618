// Search page of the newsarchive default theme, on Pagefind's JavaScript API.
// The bundle is found relative to this file (static/../pagefind/), so the
// same build works at a domain root and under a subpath such as /archive/.
// Without the bundle (Pagefind not installed, or the site opened from disk)
// the page says search is unavailable and links to the archive instead.
//
// The index is in parts, one per period of the archive (see
// newsarchive/run/search_parts.py), and Pagefind writes one index per language
// of each part's articles.  Every part and language is merged into one
// search, each index searched with its own word
// segmentation (Chinese and Japanese queries are split into words), so one
// query finds articles in every language.  Queries are NFKC-normalised, so
// full-width ＶＩＰ and VIP are the same word (the index holds the folded
// forms of such words too).  The interface text comes from the page
// (#search-strings), where the template translates it.
//
// The browser splits a Chinese or Japanese query with its own dictionary
// (Intl.Segmenter), which differs from the one Pagefind indexed with: a name
// it does not know (雪龙号) becomes single characters the index does not hold.
// So those indexes are merged twice: once searched as Pagefind splits the
// query ("words" pass), once with the query as one word, matched as a prefix
// of the indexed words ("whole" pass; Pagefind does not split a query for a
// language tag that Intl cannot read, such as "zh-!").  A synthetic filter
// tells the passes apart; the results are merged, each page once.

const PAGE_SIZE = 10;
const FILTER_ORDER = ["language", "year", "topics", "places", "people", "organizations",
  "subjects", "sources", "authors"];
const siteRoot = new URL("../", import.meta.url);
const bundleUrl = new URL("pagefind/", siteRoot);
const pageLanguage = document.documentElement.getAttribute("lang") || "en";
const PASS = "newsarchive-pass";
const PART = "newsarchive-part";
const SEGMENTED = ["zh", "ja"];
// The parts that are no period: undated articles, and other pages (see search_parts.py).
const UNPERIODED = ["undated", "other"];
const strings = readStrings();

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
let languageNames = {};
let passes = ["words"];
let partKeys = [];
let pending = null;
let generation = 0;
let timer = 0;

function readStrings() {
  try {
    return JSON.parse(document.getElementById("search-strings")?.textContent || "{}");
  } catch (error) {
    console.warn("newsarchive search: unreadable interface strings", error);
    return {};
  }
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
}

// The form of a counted message for ``count``: the sample number's own form when
// there is one, else the form of a sample in the same plural category.
function plural(forms, count) {
  if (forms[String(count)]) return forms[String(count)];
  let rules = null;
  try {
    rules = new Intl.PluralRules(pageLanguage);
  } catch (error) {
    rules = new Intl.PluralRules("en");
  }
  const wanted = rules.select(count);
  const samples = Object.keys(forms);
  const match = samples.find((sample) => rules.select(Number(sample)) === wanted);
  return forms[match ?? samples[samples.length - 1]] ?? "";
}

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

// Results best match first (scores compared across languages), each page once.
// A page holding the whole query as (the start of) a word, found by the "whole"
// pass, comes before one matched only character by character.
function inOrder(lists) {
  const best = new Map();
  const whole = new Set(lists.slice(1).flat().map((result) => result.id));
  for (const result of lists.flat()) {
    if (!best.has(result.id) || best.get(result.id).score < result.score) best.set(result.id, result);
  }
  const queue = [...best.values()].sort((a, b) => (whole.has(b.id) - whole.has(a.id))
    || b.score - a.score);
  return {
    size: () => queue.length,
    take: (count) => Promise.all(queue.splice(0, count).map((result) => result.data())),
  };
}

// Sorted results of several parts, languages and passes.  Pagefind sorts each
// index's results (a rank as their score) but merges indexes by that rank, so each
// part is searched alone (``scopes``: its pass and part, and its position in the
// order of the sort) and the lists are merged again here by the ISO date (meta
// "published") of the head of each index's list; only the heads' data is loaded.
// A part is searched when the merge comes near it: parts are periods at least a
// day long, in order, and a page's date is less than a day off the day in its
// address, so a page of a part three positions on never comes before one of this
// part.  The parts of undated and other pages (position -1) are searched at once,
// and every part before one of their pages is taken.  ``total`` is the number of
// pages found.  Undated results come last; a page found by both passes is shown once.
function byDate(scopes, search, direction, total) {
  const queues = [];
  const searched = new Set();
  let reach = -Infinity;
  const load = async (through) => {
    const todo = scopes.filter((scope) => !searched.has(scope) && scope.position <= through);
    for (const scope of todo) searched.add(scope);
    reach = Math.max(reach, through);
    const found = await Promise.all(todo.map((scope) => search(scope.scope)));
    found.forEach((results, i) => {
      const groups = new Map();
      for (const result of results) {
        const id = String(result.id);
        const key = id.slice(0, Math.max(0, id.lastIndexOf("_")));
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(result);
      }
      for (const group of groups.values()) {
        queues.push({ position: todo[i].position, items: group.sort((a, b) => b.score - a.score) });
      }
    });
  };
  const shown = new Set();
  const loaded = new Map();
  const data = (result) => {
    if (!loaded.has(result)) loaded.set(result, result.data());
    return loaded.get(result);
  };
  const time = (entry) => {
    const value = Date.parse(entry.meta.published || "");
    return Number.isNaN(value) ? null : value;
  };
  const before = (a, b) => {
    if (b === null) return a !== null;
    if (a === null) return false;
    return direction === "asc" ? a < b : a > b;
  };
  let left = total;
  return {
    size: () => left,
    take: async (count) => {
      const taken = [];
      if (!searched.size) await load(2);
      while (taken.length < count && left > 0) {
        for (const queue of queues) {
          while (queue.items.length && shown.has(queue.items[0].id)) queue.items.shift();
        }
        const heads = await Promise.all(queues.map((queue) => (queue.items.length
          ? data(queue.items[0]) : null)));
        let best = -1;
        for (let i = 0; i < heads.length; i += 1) {
          if (heads[i] === null) continue;
          if (best === -1 || before(time(heads[i]), time(heads[best]))) best = i;
        }
        const position = best === -1 ? -1 : queues[best].position;
        const needed = position < 0 || time(heads[best]) === null ? Infinity : position + 2;
        if (needed > reach && searched.size < scopes.length) {
          await load(needed);
          continue;
        }
        if (best === -1) break;
        taken.push(heads[best]);
        shown.add(queues[best].items.shift().id);
        left -= 1;
      }
      return taken;
    },
  };
}

async function showMore(run) {
  const data = await pending.take(PAGE_SIZE);
  if (run !== generation) return;
  for (const entry of data) resultList.append(renderResult(entry));
  moreButton.hidden = pending.size() === 0;
}

function chosenFilters() {
  const filters = {};
  for (const [key, select] of selects) {
    if (select.value) filters[key] = select.value;
  }
  return filters;
}

function describe(count, query, filters) {
  const narrowed = Object.keys(filters).length > 0;
  const key = (query ? "_for" : "") + (narrowed ? "_filtered" : "");
  const values = { count: count.toLocaleString(pageLanguage), query };
  if (count === 0) return fill(strings[`none${key}`] ?? "", values);
  return fill(plural(strings.counts?.[`results${key}`] ?? {}, count), values);
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
    pending = null;
    moreButton.hidden = true;
    statusLine.textContent = "";
    return;
  }
  const term = query ? query.normalize("NFKC") : null;
  const searches = await Promise.all(passes.map((pass) => pagefind.search(
    term, { filters: { ...filters, [PASS]: pass } })));
  if (run !== generation || searches.includes(null)) return;
  const lists = searches.map((search) => search.results);
  resultList.replaceChildren();
  if (sortSelect.value) {
    // Sorted: only the parts with results (their counts in the search above), each
    // searched alone when the merge by date reaches it (a merged search runs in
    // every index, so searching every part for every sort is slow).
    const direction = sortSelect.value;
    const dated = partKeys.filter((part) => !UNPERIODED.includes(part));
    if (direction === "asc") dated.reverse();
    const scopes = passes.flatMap((pass, i) => partKeys
      .filter((part) => (searches[i].filters?.[PART]?.[part] ?? 0) > 0)
      .map((part) => ({ position: dated.indexOf(part), scope: { [PASS]: pass, [PART]: part } })));
    const sorted = (scope) => pagefind.search(term, { sort: { date: direction },
      filters: { ...filters, ...scope } }).then((found) => found?.results ?? []);
    pending = byDate(scopes, sorted, direction, new Set(lists.flat().map((r) => r.id)).size);
  } else {
    pending = inOrder(lists);
  }
  statusLine.textContent = describe(pending.size(), query, filters);
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

function filterLabel(key) {
  return strings.filters?.[key] || key.charAt(0).toUpperCase() + key.slice(1);
}

function valueLabel(key, value) {
  if (key !== "language") return value;
  if (languageNames[value]) return languageNames[value];
  try {
    return new Intl.DisplayNames([value], { type: "language" }).of(value) || value;
  } catch (error) {
    return value;
  }
}

async function buildFilters() {
  // The counts of every filter: with one pass, every page counts once in filters()
  // (the placeholder records of the first index carry no filter); with the "whole"
  // pass too, counted over the "words" pass alone by a search without a query, which
  // loads every index's words (filters() first loads every filter: a search loads
  // only those it filters by).
  const totals = await pagefind.filters();
  const available = { ...(passes.length === 1 ? totals
    : (await pagefind.search(null, { filters: { [PASS]: "words" } })).filters) };
  delete available[PASS];
  delete available[PART];
  const rank = (key) => (FILTER_ORDER.includes(key) ? FILTER_ORDER.indexOf(key) : FILTER_ORDER.length);
  const keys = Object.keys(available).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const key of keys) {
    const values = Object.keys(available[key]);
    // One language is no choice: the filter shows only in a multilingual archive.
    if (values.length < (key === "language" ? 2 : 1)) continue;
    const labels = new Map(values.map((value) => [value, valueLabel(key, value)]));
    values.sort(key === "year" ? (a, b) => b.localeCompare(a)
      : (a, b) => labels.get(a).localeCompare(labels.get(b)));
    const box = element("div", "search-filter");
    const label = element("label", "", filterLabel(key));
    const select = element("select");
    select.id = `search-filter-${key.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    select.name = key;
    label.htmlFor = select.id;
    select.append(new Option(strings.any || "Any", ""));
    for (const value of values) {
      const option = new Option(`${labels.get(value)} (${available[key][value]})`, value);
      if (key === "language") option.lang = value;
      select.append(option);
    }
    select.addEventListener("change", () => schedule(0));
    selects.set(key, select);
    box.append(label, select);
    filtersBox.insertBefore(box, filtersBox.lastElementChild);
  }
}

async function fetchJson(name, required) {
  const response = await fetch(new URL(name, bundleUrl));
  if (!response.ok) {
    if (required) throw new Error(`${name}: HTTP ${response.status}`);
    return {};
  }
  return response.json();
}

// The index is in parts, one per period of the archive (newsarchive-parts.json,
// newest first), each with an index per language.  The index loaded first is
// the bundle's own, which holds one placeholder record per language and the
// language files of all of them (it is never searched: its pass is "anchor");
// every part and language is merged into it.
async function loadIndexes() {
  const [list, names] = await Promise.all([fetchJson("newsarchive-parts.json", true),
    fetchJson("newsarchive-languages.json", false)]);
  languageNames = names;
  pagefind = await import(new URL("pagefind.js", bundleUrl).href);
  await pagefind.options({ baseUrl: siteRoot.pathname, mergeFilter: { [PASS]: "anchor" } });
  const merged = [];
  partKeys = (list.parts || []).map((part) => part.key);
  for (const part of list.parts || []) {
    const url = new URL(part.path, bundleUrl).href;
    for (const language of Object.keys(part.indexes)) {
      merged.push([url, { baseUrl: siteRoot.pathname, language,
        mergeFilter: { [PASS]: "words", [PART]: part.key } }]);
      // The "whole" pass: only for an index named by its primary subtag, which the
      // invalid tag "zh-!" still finds (Pagefind falls back from a tag to its subtag).
      if (SEGMENTED.includes(language)) {
        merged.push([url, { baseUrl: siteRoot.pathname, language: `${language}-!`,
          mergeFilter: { [PASS]: "whole", [PART]: part.key } }]);
        passes = ["words", "whole"];
      }
    }
  }
  await Promise.all(merged.map(([url, options]) => pagefind.mergeIndex(url, options)));
}

async function start() {
  await loadIndexes();
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
