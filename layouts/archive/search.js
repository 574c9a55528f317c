// The catalogue's search, offline: the index is window.CAIPDF_SEARCH (search-index.js,
// written by caipdf archive). Each word typed is looked for exactly after NFKC, in lower
// case and with white space ignored; words separated by spaces must all be on the page.
(function () {
  "use strict";
  const index = window.CAIPDF_SEARCH;
  const box = document.getElementById("search");
  const summary = document.getElementById("search-summary");
  const list = document.getElementById("hits");
  const SNIPPET = 40;  // characters shown on each side of the hit
  const MAX_HITS = 200;

  const fold = (text) => text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");

  // Each page's text folded, with where each folded character stands in the shown text.
  const pages = index.pages.map((page) => {
    let flat = "";
    const at = [];
    for (let i = 0; i < page.text.length; i++) {
      const folded = fold(page.text[i]);
      for (const character of folded) { flat += character; at.push(i); }
    }
    return { ...page, flat, at };
  });

  function candidates(word) {
    if (word.length < 2) return pages.map((_, i) => i);
    let found = null;
    for (let i = 0; i + 1 < word.length; i++) {
      const holding = new Set(index.bigrams[word.slice(i, i + 2)] || []);
      found = found === null ? holding : new Set([...found].filter((page) => holding.has(page)));
      if (found.size === 0) break;
    }
    return [...found];
  }

  function search(query) {
    const words = query.split(/\s+/).map(fold).filter(Boolean);
    if (words.length === 0) return [];
    let found = candidates(words[0]);
    for (const word of words.slice(1)) {
      const holding = new Set(candidates(word));
      found = found.filter((page) => holding.has(page));
    }
    const hits = [];
    for (const number of found.sort((a, b) => a - b)) {
      const page = pages[number];
      if (!words.every((word) => page.flat.includes(word))) continue;
      const start = page.flat.indexOf(words[0]);
      hits.push({ page, from: page.at[start], to: page.at[start + words[0].length - 1] + 1 });
      if (hits.length === MAX_HITS) break;
    }
    return hits;
  }

  function show(hits, query) {
    list.replaceChildren();
    const count = hits.length === MAX_HITS ? `more than ${MAX_HITS}` : hits.length;
    summary.textContent = query.trim() === "" ? "" :
      `「${query.trim()}」: ${count} ${hits.length === 1 ? "page" : "pages"}`;
    for (const { page, from, to } of hits) {
      const item = document.createElement("li");
      item.className = "hit";
      const link = document.createElement("a");
      link.href = `${page.file}#page=${page.page}`;
      link.textContent = `vol.${page.volume} p.${page.page}`;
      const article = document.createElement("span");
      article.className = "article";
      article.textContent = page.article;
      const snippet = document.createElement("p");
      snippet.className = "snippet";
      const mark = document.createElement("mark");
      mark.textContent = page.text.slice(from, to);
      const before = Math.max(0, from - SNIPPET), after = Math.min(page.text.length, to + SNIPPET);
      snippet.append((before > 0 ? "…" : "") + page.text.slice(before, from), mark,
                     page.text.slice(to, after) + (after < page.text.length ? "…" : ""));
      item.append(link, " ", article, snippet);
      list.append(item);
    }
  }

  box.addEventListener("input", () => show(search(box.value), box.value));
})();
