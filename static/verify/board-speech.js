// Reading the board aloud with the phone's own speech synthesis, only in a language the phone
// has a voice for: without one, no speaker button rather than a wrong voice. Nothing leaves
// the phone: speechSynthesis is local on the phones we target, and we send it only text.

const synth = () => (typeof window !== "undefined" && "speechSynthesis" in window ? window.speechSynthesis : null);

/** The phone's voice for `language` (a base code such as "fr"), or null. */
export function voiceFor(language) {
  const speech = synth();
  if (!speech) return null;
  return speech.getVoices().find((voice) => voice.lang.toLowerCase().replace("_", "-").split("-")[0] === language) || null;
}

/** Speak `text` in `language`; false when the phone has no voice for it. */
export function speak(text, language) {
  const voice = voiceFor(language);
  if (!voice) return false;
  const speech = synth();
  speech.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang;
  speech.speak(utterance);
  return true;
}

/** Call `listener` when the phone's list of voices changes (it loads after the page). */
export function onVoicesChanged(listener) {
  const speech = synth();
  if (speech) speech.addEventListener("voiceschanged", listener);
}
