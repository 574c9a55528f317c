from caipdf.cli import main

raise SystemExit(main())
