import sys

from bot.demo.launcher import main

sys.exit(main())
