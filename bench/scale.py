"""Scale generator CLI: `python bench/scale.py --pemda 18 --years 1 [--services]`.

Builds the data of docs/quality.md's scales into the database of DATABASE_URL (or the embedded
one under PANTAU_DATA_DIR) with `pantau.demo.scale.build_scale`: deterministic, through the
same services as the demo data. `--services` refreshes roll-ups after every import call (the
production path); the default bulk path refreshes them once per pemda-year (identical rows).
"""

import argparse
import datetime as dt
import time

import _django

TODAY = dt.date(2026, 11, 15)  # fixed: the same arguments always give the same rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pemda", type=int, default=1)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--services", action="store_true", help="refresh roll-ups per call")
    args = parser.parse_args()
    _django.setup()
    from django.core.management import call_command

    from pantau.demo.scale import build_scale

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    build_scale(
        pemda=args.pemda, years=args.years, today=TODAY, seed=args.seed, bulk=not args.services
    )
    print(
        f"scale: {args.pemda} pemda × {args.years} year(s) in {time.perf_counter() - start:.0f} s"
    )


if __name__ == "__main__":
    main()
