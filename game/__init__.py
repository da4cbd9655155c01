"""The pure game domain: scenarios, finance, rotation, engine and views. No I/O here
except reading scenario text handed in by the caller (see scenario.load_text)."""
