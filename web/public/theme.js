/*
 * The visitor's chosen theme, applied before the first paint: a classic script in <head> (render-blocking,
 * and external: the CSP forbids inline scripts), kept tiny. localStorage "theme" is "light" or "dark";
 * absent, the page follows the system (CSS prefers-color-scheme, web/shared/theme.css). The page changes
 * the choice later with web/src/theme.ts, which applies it the same way.
 */
(function () {
  var theme = null;
  try {
    theme = localStorage.getItem('theme');
  } catch (e) {
    // Storage blocked (privacy modes): follow the system.
  }
  if (theme !== 'light' && theme !== 'dark') return;
  document.documentElement.setAttribute('data-theme', theme);
  var scheme = document.querySelector('meta[name="color-scheme"]');
  if (scheme) scheme.setAttribute('content', theme);
  var colours = document.querySelectorAll('meta[name="theme-color"]');
  for (var i = 0; i < colours.length; i++) colours[i].setAttribute('content', theme === 'dark' ? '#1a2029' : '#ffffff');
})();
