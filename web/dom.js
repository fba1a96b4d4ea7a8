// The one way the dashboard makes elements: a tag, a class, and text (never HTML).

/** el creates an element with a class and text (never HTML). */
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text != null) e.textContent = text;
  return e;
}
