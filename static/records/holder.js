// The holder's items page: show what each item is, with the key of the card the holder
// opened the record with (kept in this tab's sessionStorage by the record page).
import { decryptJwe, deriveFileKey, deriveManifestId, parseFragment } from "./crypto.js";
import { describe } from "./fhir.js";

async function showNames() {
  const hint = document.getElementById("names-hint");
  const fragment = parseFragment(sessionStorage.getItem("ehcard.record") || "");
  if (!fragment) return;
  const fileKey = await deriveFileKey(fragment.recordKey, fragment.recordId);
  if (await deriveManifestId(fileKey, fragment.recordId) !== hint.dataset.manifest) return;
  const kinds = JSON.parse(hint.dataset.kinds);
  const response = await fetch("/holder/api/items", { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  for (const { file, jwe } of (await response.json()).files) {
    const { plaintext } = await decryptJwe(fileKey, jwe);
    const item = describe(JSON.parse(new TextDecoder().decode(plaintext)));
    const name = document.querySelector(`.item-name[data-file="${file}"]`);
    if (name) name.textContent = `${kinds[item.kind] || item.kind}: ${item.text}`;
  }
  hint.hidden = true;
}

showNames();
