"""Running compiled programs: simulation (`simulate`, `sparse`), backends by name
(`backends`), submitted jobs (`jobs`), training (`train`) and plots (`plot`)."""
