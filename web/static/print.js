// The print button of a letter: shown only when scripts run (the letter reads without them).
for (const b of document.querySelectorAll('[data-print]')) {
  b.hidden = false;
  b.addEventListener('click', () => window.print());
}
