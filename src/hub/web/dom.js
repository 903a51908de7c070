// One small DOM builder for every view: el('li', { class: 'x' }, child, 'text', …).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

/** "1 student", "3 students". */
export function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
