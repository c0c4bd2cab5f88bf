"""Generate the SYNTHETIC reference set of COA locations (``data/locations/locations.csv``).

No public list of COA locations with capacities exists. This script places about 250 locations in
real 2024 municipalities: a handful of publicly documented locations first (``origin`` starts with
``public source:``), then synthetic ones (``origin == "synthetic"``) spread over the provinces by
the Spreidingswet province targets and, within a province, over municipalities with a probability
that rises with population. Calibrated on public figures: 219 locations in Sept 2023 (81 regular +
132 noodopvang), 57,538 persons, regular locations 300-1,500, Ter Apel max 2,000.

Deterministic: the same seed gives a byte-identical file.
Run from the repository root:
``.venv/bin/python scripts/generate_locations.py [--seed N] [--out P]``
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.reference_codes import LOCATION_KINDS

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_SEED = 20261122
DEFAULT_OUT = DATA_DIR / "locations" / "locations.csv"

COLUMNS = [
    "id",
    "name",
    "gm_code",
    "kind",
    "capacity",
    "residents",
    "accepts_families",
    "accepts_amv",
    "school_nearby",
    "cost_per_bed_day",
    "origin",
]

# Synthetic location counts (real azc rows come on top of N_AZC_SYNTHETIC).
N_AZC_SYNTHETIC = 72
N_NOODOPVANG = 132
N_AMV = 15
N_GEZINSLOCATIE = 5
N_EBTL = 1
# Total capacity the synthetic azc + noodopvang capacities are calibrated to (~60,000 residents at
# ~89% occupancy).
TARGET_TOTAL_CAPACITY = 68_000
MAX_PER_MUNICIPALITY = 3
# Municipality weight = population ** POP_EXPONENT (favours, but not only, big cities).
POP_EXPONENT = 0.6
OCC_MEAN, OCC_SD, OCC_MIN, OCC_MAX = 0.89, 0.06, 0.55, 1.0

# Spreidingswet 2024-2025 province targets (places), from
# /work/shared/data/raw/coa-public-figures/spreidingswet_province_targets.csv (approximate figures
# reported by NH Nieuws / upday / welingelichtekringen). Gelderland: 11,704 regular + 992 amv.
SPREIDINGSWET_TOTAL = 96_000
SPREIDINGSWET_TARGETS: dict[str, int] = {
    "PV28": 20_000,
    "PV27": 16_000,
    "PV30": 14_500,
    "PV25": 11_704 + 992,
    "PV20": 2_715,
}

# Publicly documented locations: (name, gm_code, kind, capacity, fixed residents or None, origin).
REAL_LOCATIONS: list[tuple[str, str, str, int, int | None, str]] = [
    (
        "GVL Ter Apel",
        "GM1950",
        "gvl",
        2000,
        1950,
        "public source: coa.nl Ter Apel col/pol/vbl (max 2000; court cap 2024); residents 1950",
    ),
    (
        "COL Budel-Cranendonck",
        "GM1706",
        "col",
        1000,
        None,
        "public source: nos.nl 2019 (col Budel-Cranendonck); capacity 1000 assumed",
    ),
    (
        "VBL Ter Apel",
        "GM1950",
        "vbl",
        250,
        None,
        "public source: coa.nl Ter Apel col/pol/vbl (vbl exists); capacity 250 assumed",
    ),
    (
        "HTL Hoogeveen",
        "GM0118",
        "htl",
        50,
        None,
        "public source: policy documents (HTL Hoogeveen); capacity 50 assumed",
    ),
    ("AZC Musselkanaal", "GM0037", "azc", 428, None, "public source: coa.nl 2020-09 (428 places)"),
    ("AZC Maastricht", "GM0935", "azc", 650, None, "public source: coa.nl 2020 (650 places)"),
    ("AZC Katwijk", "GM0537", "azc", 400, None, "public source: omroepwest 2017-04 (400 places)"),
    ("AZC Rijswijk", "GM0603", "azc", 525, None, "public source: omroepwest 2017-04 (525 places)"),
    (
        "AZC Dronten",
        "GM0303",
        "azc",
        1000,
        None,
        "public source: destentor/rtvoost (~1000 residents 2021); capacity 1000 assumed",
    ),
    (
        "AZC Luttelgeest",
        "GM0171",
        "azc",
        600,
        None,
        "public source: destentor 2018 (589 residents); capacity 600 assumed",
    ),
    (
        "AZC Zutphen",
        "GM0301",
        "azc",
        450,
        None,
        "public source: destentor 2018 (440 residents); capacity 450 assumed",
    ),
    (
        "AZC Leiden",
        "GM0546",
        "azc",
        400,
        None,
        "public source: nd.nl 2022-05 (planned 300-400); included as azc at planned 400",
    ),
    (
        "AZC Barneveld",
        "GM0203",
        "azc",
        300,
        None,
        "public source: destentor 2022-05 (planned 300); included as azc at planned 300",
    ),
]

# Synthetic process locations near IND offices / application centres (real municipalities).
POL_MUNICIPALITIES: tuple[str, ...] = (
    "GM0299",  # Zevenaar
    "GM0796",  # 's-Hertogenbosch
    "GM0603",  # Rijswijk (ZH.)
    "GM0394",  # Haarlemmermeer (Schiphol)
    "GM0400",  # Den Helder
    "GM0344",  # Utrecht
    "GM0193",  # Zwolle
    "GM0014",  # Groningen
)


@dataclass
class Loc:
    """One location row under construction."""

    gm_code: str
    kind: str
    capacity: float
    origin: str
    name: str | None = None
    residents: int | None = None


def province_shares(provinces: pd.DataFrame) -> pd.Series:
    """Share of national places per province: Spreidingswet targets, the rest pro rata people."""
    shares = pd.Series(0.0, index=provinces["pv_code"].to_numpy())
    for pv, target in SPREIDINGSWET_TARGETS.items():
        shares[pv] = target
    rest = provinces[~provinces["pv_code"].isin(list(SPREIDINGSWET_TARGETS))]
    remaining = SPREIDINGSWET_TOTAL - sum(SPREIDINGSWET_TARGETS.values())
    pop = rest.set_index("pv_code")["population_2024_01_01"]
    shares[pop.index] = remaining * pop / pop.sum()
    return shares / shares.sum()


def apportion(total: int, shares: pd.Series) -> pd.Series:
    """Largest-remainder apportionment of ``total`` items by ``shares`` (deterministic)."""
    exact = shares * total
    counts = np.floor(exact).astype(int)
    remainder = (exact - counts).sort_values(ascending=False, kind="stable")
    for pv in remainder.index[: total - int(counts.sum())]:
        counts[pv] += 1
    return counts


def pick_municipality(
    rng: np.random.Generator, candidates: pd.DataFrame, used: dict[str, int]
) -> str:
    """Draw a municipality (weight population**POP_EXPONENT) that has room for another location."""
    free = candidates[[used.get(g, 0) < MAX_PER_MUNICIPALITY for g in candidates["gm_code"]]]
    if free.empty:
        raise RuntimeError("no municipality with room left")
    w = free["population_2024_01_01"].to_numpy(dtype=float) ** POP_EXPONENT
    gm = str(free["gm_code"].to_numpy()[rng.choice(len(free), p=w / w.sum())])
    used[gm] = used.get(gm, 0) + 1
    return gm


def draw_azc_capacity(rng: np.random.Generator) -> float:
    """Regular azc: 300-1,500, mostly 400-800 (skewed to the lower end)."""
    u = rng.random()
    if u < 0.25:
        return rng.uniform(300, 400)
    if u < 0.92:
        return rng.triangular(400, 420, 800)
    return rng.triangular(800, 800, 1500)


def draw_noodopvang_capacity(rng: np.random.Generator) -> float:
    """Noodopvang: 80-600, most sites small."""
    return 80 + rng.lognormal(np.log(35), 1.0)


def round_cap(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Round to multiples of 10 and clip to [lo, hi]."""
    return np.clip(np.round(np.asarray(x) / 10) * 10, lo, hi)


def calibrate(fixed: int, azc: np.ndarray, nood: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale azc + noodopvang raw capacities jointly so that the grand total hits the target."""
    need = TARGET_TOTAL_CAPACITY - fixed

    def total(s: float) -> float:
        return float(round_cap(azc * s, 300, 1500).sum() + round_cap(nood * s, 80, 600).sum())

    lo, hi = 0.2, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if total(mid) < need:
            lo = mid
        else:
            hi = mid
    s = hi
    return round_cap(azc * s, 300, 1500), round_cap(nood * s, 80, 600)


def cost_per_bed_day(rng: np.random.Generator, kind: str, capacity: float) -> float:
    """EUR per bed-day; small sites pay a premium for fixed staff/security/services."""
    if kind == "azc":
        c = 52 + 9000 / capacity + rng.normal(0, 1.5)
    elif kind == "noodopvang":
        c = float(np.clip(92 + 3600 / capacity + rng.normal(0, 6), 95, 140))
    elif kind in ("col", "gvl"):
        c = 80 + rng.normal(0, 2)
    elif kind == "pol":
        c = 75 + rng.normal(0, 3)
    elif kind == "amv":
        c = rng.uniform(150, 200)
    elif kind == "gezinslocatie":
        c = 75 + rng.normal(0, 3)
    elif kind == "vbl":
        c = 110 + rng.normal(0, 3)
    else:  # htl, ebtl
        c = 250 + rng.normal(0, 10)
    return round(float(c), 2)


def generate(seed: int = DEFAULT_SEED, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """Build the location table (deterministic for a given seed)."""
    rng = np.random.default_rng(seed)
    gm = pd.read_csv(data_dir / "municipalities" / "gemeenten_2024.csv", dtype={"gm_code": str})
    gm = gm.sort_values("gm_code").reset_index(drop=True)
    pv = pd.read_csv(data_dir / "provinces" / "provincies_2024.csv").sort_values("pv_code")
    gm_name = gm.set_index("gm_code")["gm_name"]
    gm_pv = gm.set_index("gm_code")["pv_code"]

    used: dict[str, int] = {}
    real: list[Loc] = []
    for name, code, kind, cap, res, origin in REAL_LOCATIONS:
        real.append(Loc(code, kind, cap, origin, name=name, residents=res))
        used[code] = used.get(code, 0) + 1

    synth: list[Loc] = []
    for code in POL_MUNICIPALITIES:
        synth.append(Loc(code, "pol", round(rng.uniform(250, 600), -1), "synthetic"))
        used[code] = used.get(code, 0) + 1

    shares = province_shares(pv)
    real_azc = pd.Series([gm_pv[r.gm_code] for r in real if r.kind == "azc"]).value_counts()
    n_azc_total = N_AZC_SYNTHETIC + int(real_azc.sum())
    azc_counts = apportion(n_azc_total, shares) - real_azc.reindex(shares.index, fill_value=0)
    azc_counts = azc_counts.clip(lower=0)
    plan = {
        "azc": azc_counts,
        "noodopvang": apportion(N_NOODOPVANG, shares),
        "amv": apportion(N_AMV, shares),
    }
    azc_raw: list[float] = []
    nood_raw: list[float] = []
    for kind, counts in plan.items():
        for pv_code, n in counts.items():
            cands = gm[gm["pv_code"] == pv_code]
            for _ in range(int(n)):
                code = pick_municipality(rng, cands, used)
                if kind == "azc":
                    cap = draw_azc_capacity(rng)
                    azc_raw.append(cap)
                elif kind == "noodopvang":
                    cap = draw_noodopvang_capacity(rng)
                    nood_raw.append(cap)
                else:
                    cap = round(rng.triangular(50, 100, 300), -1)
                synth.append(Loc(code, kind, cap, "synthetic"))
    for kind, n, (lo, mode, hi) in (
        ("gezinslocatie", N_GEZINSLOCATIE, (100, 200, 400)),
        ("ebtl", N_EBTL, (30, 40, 60)),
    ):
        for _ in range(n):
            code = pick_municipality(rng, gm, used)
            synth.append(Loc(code, kind, round(rng.triangular(lo, mode, hi), -1), "synthetic"))

    # Calibrate the total capacity via the synthetic azc and noodopvang sites.
    fixed = int(
        sum(r.capacity for r in real)
        + sum(s.capacity for s in synth if s.kind not in ("azc", "noodopvang"))
    )
    azc_cap, nood_cap = calibrate(fixed, np.array(azc_raw), np.array(nood_raw))
    it_azc, it_nood = iter(azc_cap), iter(nood_cap)
    for s in synth:
        if s.kind == "azc":
            s.capacity = float(next(it_azc))
        elif s.kind == "noodopvang":
            s.capacity = float(next(it_nood))

    # Stable order: real rows first (as listed), then synthetic by kind, gm_code, capacity desc.
    kind_rank = {k: i for i, k in enumerate(LOCATION_KINDS)}
    synth.sort(key=lambda s: (kind_rank[s.kind], s.gm_code, -s.capacity))
    rows = real + synth

    seen: dict[tuple[str, str], int] = {}
    for r in rows:
        key = (r.gm_code, r.kind)
        seen[key] = seen.get(key, 0) + 1
        if r.name is None:
            base = f"{r.kind.upper()} {gm_name[r.gm_code]}"
            r.name = base if seen[key] == 1 else f"{base} {seen[key]}"

    records = []
    for i, r in enumerate(rows, start=1):
        cap = int(r.capacity)
        occ = float(np.clip(rng.normal(OCC_MEAN, OCC_SD), OCC_MIN, OCC_MAX))
        residents = r.residents if r.residents is not None else int(np.rint(cap * occ))
        if r.kind == "noodopvang":
            families = bool(rng.random() < 0.5)
        else:
            families = r.kind in ("col", "gvl", "pol", "azc", "gezinslocatie")
        school_p = {"azc": 0.8, "noodopvang": 0.35, "pol": 0.5, "gezinslocatie": 1.0, "amv": 1.0}
        school = bool(rng.random() < school_p.get(r.kind, 0.0))
        records.append(
            {
                "id": f"L{i:03d}",
                "name": r.name,
                "gm_code": r.gm_code,
                "kind": r.kind,
                "capacity": cap,
                "residents": residents,
                "accepts_families": families,
                "accepts_amv": r.kind == "amv",
                "school_nearby": school,
                "cost_per_bed_day": cost_per_bed_day(rng, r.kind, cap),
                "origin": r.origin,
            }
        )
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    if df["name"].duplicated().any():
        raise RuntimeError(f"duplicate names: {df.loc[df['name'].duplicated(), 'name'].tolist()}")
    return df


def summary(df: pd.DataFrame, data_dir: Path = DATA_DIR) -> str:
    """Human-readable summary: per kind, totals, occupancy, locations per province."""
    gm = pd.read_csv(data_dir / "municipalities" / "gemeenten_2024.csv", dtype={"gm_code": str})
    by_kind = (
        df.groupby("kind")
        .agg(n=("id", "size"), capacity=("capacity", "sum"), residents=("residents", "sum"))
        .reindex([k for k in LOCATION_KINDS if k in set(df["kind"])])
    )
    by_kind["occupancy"] = (by_kind["residents"] / by_kind["capacity"]).round(3)
    cap, res = int(df["capacity"].sum()), int(df["residents"].sum())
    merged = df.merge(gm[["gm_code", "pv_code", "pv_name"]], on="gm_code", how="left")
    by_pv = (
        merged.groupby(["pv_code", "pv_name"])
        .agg(n=("id", "size"), capacity=("capacity", "sum"))
        .reset_index()
    )
    lines = [
        f"locations: {len(df)} (public-source rows: {int((df['origin'] != 'synthetic').sum())})",
        "per kind:",
        by_kind.to_string(),
        f"total capacity: {cap:,}  residents: {res:,}  occupancy: {res / cap:.3f}",
        "per province:",
        by_pv.to_string(index=False),
    ]
    return "\n".join(lines)


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(
        description="Generate the synthetic COA location reference set."
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="RNG seed (default %(default)s)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output CSV path")
    args = parser.parse_args()
    df = generate(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out, index=False, lineterminator="\n", float_format="%.2f")
    print(f"wrote {args.out} (seed {args.seed})")
    print(summary(df))


if __name__ == "__main__":
    main()
