// The editor's desk (caipdf serve): shows the state the server sends, and
// again each time it changes (server-sent events on /events). The page only
// shows; the server decides everything it says.
"use strict";

const $ = (id) => document.getElementById(id);
const images = new Map(); // page number → its <img>, kept so unchanged pages do not flicker
let shownSpreads = "";

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function pageRange([first, last]) {
  return first === last ? `${first}` : `${first}–${last}`;
}

function showSpreads(state) {
  const box = $("spreads");
  const layout = JSON.stringify(state.spreads);
  if (layout !== shownSpreads) {
    box.replaceChildren();
    images.clear();
    for (const spread of state.spreads) {
      const pages = element("div", { class: "spread__pages" });
      for (const number of spread) {
        const image = element("img", {
          "data-page": number, alt: `page ${number}`,
          class: number % 2 ? "recto" : "verso", // odd pages are on the right, as printed
        });
        image.addEventListener("click", () => zoom(number));
        images.set(number, image);
        pages.append(image);
      }
      box.append(element("figure", { class: "spread" }, pages,
        element("figcaption", { class: "spread__label" }, pageRange([spread[0], spread.at(-1)]))));
    }
    shownSpreads = layout;
  }
  for (const page of state.pages) {
    const image = images.get(page.number);
    if (image.getAttribute("src") !== page.url) {
      image.setAttribute("src", page.url);
      image.setAttribute("width", page.width);
      image.setAttribute("height", page.height);
    }
  }
  box.toggleAttribute("data-stale", state.status === "failed");
}

function zoom(number) {
  const image = images.get(number);
  $("zoom-image").src = image.src;
  $("zoom-image").alt = image.alt;
  $("zoom-label").textContent = `page ${number}`;
  $("zoom").hidden = false;
}

function showStatus(state) {
  $("issue").textContent = `${state.issue} · ${state.edition}`;
  const status = $("status");
  status.dataset.status = state.status;
  status.textContent = (state.built_at ? `${state.built_at} ${state.message}` : state.message)
    + (state.working_on ? ` · now: ${state.working_on}…` : "");
  status.title = status.textContent;
  const preflight = state.preflight;
  const verdict = $("preflight");
  verdict.dataset.verdict = preflight.status === "done" || preflight.status === "failed"
    ? (preflight.passes ? "passes" : "fails") : preflight.status;
  const of = state.status === "failed" ? " (last good PDF)" : "";
  verdict.textContent = verdict.dataset.verdict === "passes"
    ? `preflight: passes${of} (${preflight.standard})`
    : verdict.dataset.verdict === "fails" ? `preflight: fails${of}` : `preflight: ${preflight.status}`;
  $("findings").replaceChildren(...(preflight.findings || []).map((finding) =>
    element("li", { "data-level": finding.level }, finding.message)));
  $("editions").replaceChildren(...state.editions.map((edition) => edition.url
    ? element("a", { href: edition.url, download: "", title: `${edition.summary}; ${edition.status} ${edition.built_at}` },
        `${edition.name} PDF`)
    : element("span", { title: edition.summary }, `${edition.name}: ${edition.status}`)));
}

function showProblems(state) {
  const list = $("problems");
  $("side").toggleAttribute("data-errors", state.problems.some((problem) => problem.level === "error"));
  $("problem-count").textContent = state.problems.length ? `(${state.problems.length})` : "";
  if (!state.problems.length) {
    list.replaceChildren(element("li", { class: "empty" }, "no warnings, no errors"));
    return;
  }
  list.replaceChildren(...state.problems.map((problem) => {
    const item = element("li", { "data-level": problem.level, tabindex: 0 },
      problem.where ? element("span", { class: "where" }, `${problem.where}: ${problem.level}`) : null,
      element("span", { class: "message" }, problem.message),
      problem.fix ? element("span", { class: "fix" }, `fix: ${problem.fix}`) : null);
    if (problem.context.length) {
      const lines = element("pre", { hidden: "" }, ...problem.context.map((line) =>
        element("span", { "data-line": line.number, class: line.number === problem.line ? "here" : null },
          line.text)));
      item.append(lines);
      const toggle = () => { lines.hidden = !lines.hidden; };
      item.addEventListener("click", (event) => { if (event.target.closest("pre") === null) toggle(); });
      item.addEventListener("keydown", (event) => { if (event.key === "Enter") toggle(); });
    }
    return item;
  }));
}

function sum(numbers) {
  return numbers.reduce((total, number) => total + number, 0);
}

// "over": runs past its pages; "short": more than a line left empty in a column; "full".
function fill(article) {
  if (article.over) return "over";
  return article.empty.some((lines) => lines > 1) ? "short" : "full";
}

function showArticles(state) {
  const rows = state.articles.map((article) => {
    const moved = article.laid_out && !article.on_plan;
    return element("tr", { "data-article": article.id },
      element("td", {}, pageRange(article.planned),
        moved ? element("span", { class: "moved" }, ` → ${pageRange(article.laid_out)}`) : null),
      element("td", {}, article.title, element("span", { class: "id" }, `${article.id} · line ${article.line}`)),
      element("td", { class: "fill", "data-fill": fill(article), title: article.fit },
        article.over ? `−${article.over} lines` : `+${sum(article.empty)} lines`,
        article.over || article.shared ? null
          : element("small", {}, article.empty.length === 2
            ? `left ${article.empty[0]}, right ${article.empty[1]}` : article.empty.join(" + ")),
        element("small", {}, article.over ? `cut about ${article.characters.toLocaleString()} characters`
          : article.shared ? "the next article follows on the page"
          : `add about ${article.characters.toLocaleString()} characters`)));
  });
  $("articles").tBodies[0].replaceChildren(...rows);
}

function show(state) {
  showStatus(state);
  showSpreads(state);
  showProblems(state);
  showArticles(state);
  document.body.dataset.version = state.version;
}

$("zoom").addEventListener("click", () => { $("zoom").hidden = true; });
document.addEventListener("keydown", (event) => { if (event.key === "Escape") $("zoom").hidden = true; });

const events = new EventSource("/events");
events.addEventListener("state", (event) => show(JSON.parse(event.data)));
events.addEventListener("error", () => {
  const status = $("status");
  status.dataset.status = "failed";
  status.textContent = "the desk's server is not answering: is caipdf serve still running?";
});
