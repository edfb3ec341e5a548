// The words of the page's scripts come from the interface's catalogue (api/aichr_kg_api/locale/messages.pot),
// like the server's: the server writes the ones these scripts use, translated, into every page as a JSON data
// block (<script type="application/json" id="messages">, never executed). t("Filter {column}", { column })
// looks a message up and fills its {names}; a message the page does not carry is shown as written (English).
// `make messages` finds every t("...") here: the first argument must be a plain string literal.
let table = null;

function messages() {
  if (table === null) {
    try {
      table = JSON.parse(document.getElementById("messages")?.textContent || "{}");
    } catch {
      table = {};
    }
  }
  return table;
}

export function t(message, values = {}) {
  const text = messages()[message] ?? message;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
