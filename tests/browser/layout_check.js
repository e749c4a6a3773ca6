/* The phone layout check of the browser journeys (support.py) and scripts/phone_check.py:
 * returns the problems of the page as it is now, at the viewport's width. */
() => {
  // the layout viewport (360 on the phone): a page that is too wide makes a mobile browser zoom
  // out, and window.innerWidth grows with it
  const MIN = 44, width = document.documentElement.clientWidth, problems = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].slice(0, 3).join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return text ? s + ' "' + text.slice(0, 40).replace(/\s+/g, " ") + '"' : s;
  };
  const root = document.documentElement;
  if (root.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 0.5;
    });
    // name the outermost elements that stick out (their children follow them), else the
    // innermost whose text runs out of their box (white-space: nowrap)
    let outer = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5);
    if (!outer.length) {
      const spill = [...document.body.querySelectorAll("*")].filter((el) => el.scrollWidth > el.clientWidth + 1);
      outer = spill.filter((el) => !spill.some((c) => c !== el && el.contains(c))).slice(0, 5);
    }
    problems.push("scrollWidth " + root.scrollWidth + " > " + width + ": " +
      outer.map((el) => name(el) + " to " + Math.round(el.getBoundingClientRect().right) + " px").join(", "));
  }
  const shown = (el, r) => r.width >= 2 && r.height >= 2 && getComputedStyle(el).visibility !== "hidden";
  const big = (r) => r.width >= MIN - 0.5 && r.height >= MIN - 0.5;
  const inText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const own = (el.innerText || "").trim().length;
    const all = (block.innerText || "").replace(/\s+/g, " ").trim().length;
    const links = [...block.querySelectorAll("a")].reduce((n, a) => n + (a.innerText || "").trim().length, 0);
    return own > 0 && all - links > 0;  // the block holds text that is not a link: running text
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]";
  for (const el of document.querySelectorAll(selector)) {
    let r = el.getBoundingClientRect();
    if (el.classList.contains("stretched-link")) {  // the whole positioned box is the target
      let box = el.parentElement;
      while (box && getComputedStyle(box).position === "static") box = box.parentElement;
      if (box) r = box.getBoundingClientRect();
    }
    if (!shown(el, r) || big(r)) continue;
    if (el.labels && [...el.labels].some((l) => big(l.getBoundingClientRect()))) continue;
    if (inText(el)) continue;
    problems.push("target " + Math.round(r.width) + "x" + Math.round(r.height) + " px: " + name(el));
  }
  return problems;
}
