"""The demo: `python -m bot.demo` (what `python3 dev.py run` starts without a token) runs the
emulator with its chat page and the real bot process against it, on a demo project seeded in a
temporary database, with a clock the page can move forward. Nothing here runs in production:
the settings refuse the demo clock unless DEMO is set, and DEMO only against a local emulator."""
