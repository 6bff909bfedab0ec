"""Files qbnnc writes: whole or not at all, never over an input (`output`)."""
