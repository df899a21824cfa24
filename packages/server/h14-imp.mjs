const mods = process.argv.slice(2);
const t00 = performance.now();
for (const m of mods) { const t0 = performance.now(); await import(m); console.log(String(Math.round(performance.now()-t0)).padStart(6), m); }
console.log('total', Math.round(performance.now()-t00));
