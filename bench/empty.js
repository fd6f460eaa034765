// Intentionally empty: `npm run bench` requires it to show the cost of a
// first require() in a fresh process (the module loader's own floor).
