"""What-if studies on top of the weekly allocation (issue: new GVL sites, occupancy policy, peaks).

- :mod:`documents`: the ``RUN.toml`` document (variants, inflows, seeds, sweep, site selection);
- :mod:`inflow`: named inflow profiles calibrated on the yearly figures, and weekly households;
- :mod:`simulate`: the weekly loop (IND decisions, departures, housing, arrivals, ``allocate``);
- :mod:`sites`: choose the best k candidate sites (multi-period MIP) with cost-benefit per site;
- :mod:`sweep`: variants x inflows x seeds on dask.distributed, gathered into one table;
- :mod:`report`: comparison tables (CSV/JSON) and plots (PNG);
- :mod:`cli`: ``whatif_command`` for ``coa-plan whatif RUN.toml``.
"""
