// Run by the backends' resource-exhaustion specs in a child process whose ptys or descriptors are scarce: creates
// sessions until one is refused, and prints what happened as one JSON line.
const [, , modPath, cls, cfgJson] = process.argv;
const mod = require(modPath);
(async () => {
  const b = new mod[cls](JSON.parse(cfgJson));
  const init = await b.initialize({});
  if (!init.ok) return console.log(JSON.stringify({ init: init.error.message }));
  let created = 0;
  let error = null;
  for (let i = 0; i < 500 && !error; i++) {
    const s = await b.createSession();
    if (s.ok) created++;
    else error = { code: s.error.code, message: s.error.message, dispatched: s.error.dispatched };
  }
  // The backend still works once sessions are closed: destroy one, create one.
  const list = await b.listSessions();
  if (list.ok && list.value[0]) await b.destroySession(list.value[0].id);
  const again = await b.createSession();
  await b.shutdown();
  console.log(JSON.stringify({ created, error, recovered: again.ok }));
})();
