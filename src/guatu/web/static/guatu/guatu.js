// guatu's only script of its own (the Content-Security-Policy allows no inline script):
// selects marked data-autosubmit send their form when changed (the language switcher).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) select.form.submit();
});
