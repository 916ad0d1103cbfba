// jest globalSetup for mutation runs (stryker.config.mjs). Stryker copies the repository into a
// sandbox, but its copy follows symlinks, and the fixture trees hold dangling ones on purpose
// (`multi-user.target.wants/cron.service -> /lib/systemd/system/cron.service`, resolved inside
// the fixture's root). So the fixtures are left out of the copy and linked here instead; tests
// only read them (the ones that change a tree copy it first).
const fs = require('node:fs');
const path = require('node:path');

module.exports = async function linkFixtures() {
  const repo = process.env.DG_MUTATE_REPO;
  const here = path.join(process.cwd(), 'test', 'fixtures');
  if (!repo || path.resolve(repo) === process.cwd() || fs.existsSync(here)) return;
  try {
    fs.symlinkSync(path.join(repo, 'test', 'fixtures'), here, 'dir');
  } catch (err) {
    // Several jest runs of one sandbox may race to make the link; the first one wins.
    if (err.code !== 'EEXIST') throw err;
  }
};
