/**
 * The app's stylesheet, served at /styles.css (a file, not inline, so the Content Security
 * Policy can forbid inline styles).
 */
export const STYLES = `
:root {
  --ink: #1f2933; --muted: #5f6b7a; --line: #e3e8ef; --bg: #f6f8fb; --card: #fff;
  --brand: #1565c0; --brand-dark: #0d47a1; --danger: #b3261e; --ok: #1b7f3b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: var(--bg); line-height: 1.5;
}
* { box-sizing: border-box; }
body { margin: 0; }
header.top { background: var(--card); border-bottom: 1px solid var(--line); }
header.top .bar { max-width: 880px; margin: 0 auto; padding: 12px 20px; display: flex;
  align-items: center; justify-content: space-between; gap: 12px; }
header.top a.brand { font-weight: 700; color: var(--ink); text-decoration: none; }
.demo-badge { font-size: 12px; color: var(--muted); border: 1px solid var(--line);
  border-radius: 999px; padding: 2px 10px; }
main { max-width: 880px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 0 0 12px; }
p.lead { color: var(--muted); margin-top: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 20px; margin: 16px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
.grid .card { margin: 0; }
label { display: block; font-size: 14px; font-weight: 600; margin: 10px 0 4px; }
input[type=text], input[type=email], input[type=password] { width: 100%; padding: 8px 10px;
  border: 1px solid #c5ced9; border-radius: 8px; font: inherit; }
.hint { font-size: 13px; color: var(--muted); margin: 4px 0 0; }
button, a.button { display: inline-block; margin-top: 14px; padding: 9px 16px; border: 0;
  border-radius: 8px; background: var(--brand); color: #fff; font: inherit; font-weight: 600;
  cursor: pointer; text-decoration: none; }
button:hover, a.button:hover { background: var(--brand-dark); }
button.secondary, a.button.secondary { background: #eef2f7; color: var(--ink); }
.notice { border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; background: #e8f1fb;
  border: 1px solid #c3dbf5; }
.notice.warn { background: #fdf0ef; border-color: #f3c7c3; }
.profile { display: flex; gap: 16px; align-items: center; }
.profile img { width: 72px; height: 72px; border-radius: 50%; border: 1px solid var(--line);
  background: #eef2f7; }
.profile dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; }
.profile dt { color: var(--muted); font-size: 14px; }
.profile dd { margin: 0; }
table { width: 100%; border-collapse: collapse; font-size: 15px; }
th, td { text-align: left; padding: 8px 6px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; font-size: 13px; text-transform: uppercase;
  letter-spacing: .03em; }
.tag { display: inline-block; font-size: 12px; background: #eef2f7; border-radius: 999px;
  padding: 1px 8px; margin: 0 4px 2px 0; }
.pager { display: flex; gap: 8px; justify-content: flex-end; }
form.inline { display: inline; }
header.top button { margin-top: 0; padding: 6px 14px; }
.error-page h1 { color: var(--danger); }
code { background: #eef2f7; padding: 1px 5px; border-radius: 4px; }
`;
