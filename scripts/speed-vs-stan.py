#!/usr/bin/env python3
"""RLFit against Stan (pystan 3, hBayesDM's own Stan programs) on the same data, side by side
in one run: seconds for 4 chains x (1000 warmup + 1000 draws) at adapt_delta 0.95 (hBayesDM's
default) and the lowest bulk ESS (ArviZ's, Vehtari et al. 2021) per second over the group
values (mu_<param>), the group sds and every subject's parameters.

    scripts/speed-vs-stan.py [MODEL ...]        (default: gng_m4 ts_par6 igt_orl)

It reuses validate-hbayesdm.py's cache ($RLFIT_VALIDATION_DIR, default
.build/hbayesdm-validation: pystan, hBayesDM's source distribution, GPL-3, never committed)
and data preparation, and .build-venv's ArviZ (scripts/validate_with_arviz.sh creates it).
Stan's seconds are its sampling only (its compilation, ~40 s, is excluded); RLFit's are the
whole `rlfit fit` command, reading the data included. Needs `swift build -c release`.
"""
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
spec = importlib.util.spec_from_file_location("validate", os.path.join(HERE, "validate-hbayesdm.py"))
validate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(validate)

ARVIZ = os.path.join(ROOT, ".build-venv", "bin", "python")
RLFIT = os.path.join(ROOT, ".build", "release", "rlfit")
CHAINS, WARMUP, DRAWS, ADAPT_DELTA = 4, 1000, 1000, 0.95

# Lowest bulk ESS over the chosen columns, read by ArviZ from .npy draws (chain, draw, column).
ESS = r"""
import sys, json, numpy as np, arviz as az
draws = np.load(sys.argv[1])
names = json.loads(sys.argv[2])
ess = {n: float(az.ess(draws[:, :, i], method="bulk")) for i, n in enumerate(names)}
worst = min(ess, key=ess.get)
print(json.dumps({"min": ess[worst], "at": worst}))
"""


def wanted(name, parameters):
    """Group values, group sds and subject parameters (not the raw deviations, not log_lik)."""
    base = name.split(".")[0]
    return base in parameters or base == "sigma" or base in {f"mu_{p}" for p in parameters}


def lowest_ess(draws, names, folder):
    import numpy as np
    path = os.path.join(folder, "draws.npy")
    np.save(path, draws)
    out = subprocess.run([ARVIZ, "-c", ESS, path, json.dumps(names)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def stan_run(model, program, task, stan_dir, data_dir, folder):
    import numpy as np
    import stan
    data_file, prepare = validate.TASKS[task]
    data = prepare(os.path.join(data_dir, data_file))
    code = validate.current_stan(open(os.path.join(stan_dir, program + ".stan")).read())
    with validate.output_to(os.path.join(validate.CACHE, "stan-build.log")):
        posterior = stan.build(code, data=data, random_seed=1)
        start = time.perf_counter()
        fit = posterior.sample(num_chains=CHAINS, num_warmup=WARMUP, num_samples=DRAWS, delta=ADAPT_DELTA)
        seconds = time.perf_counter() - start
    parameters = [p for p in validate.stan_parameters(code) if p[0].endswith("_pr") and p[0] != "mu_pr"]
    parameters = [p[0][:-3] for p in parameters]
    offset = len(fit.sample_and_sampler_param_names)
    names = [n for n in fit.constrained_param_names if wanted(n, parameters)]
    columns = [offset + fit.constrained_param_names.index(n) for n in names]
    draws = np.transpose(fit._draws[columns, :, :], (2, 1, 0))  # chain, draw, column
    divergent = int(fit._draws[fit.sample_and_sampler_param_names.index("divergent__")].sum())
    return seconds, lowest_ess(draws, names, folder), divergent, parameters, os.path.join(data_dir, data_file)


def rlfit_run(model, data_path, parameters, folder):
    import numpy as np
    out = os.path.join(folder, "fit")
    start = time.perf_counter()
    subprocess.run([RLFIT, "fit", data_path, "--model", model, "--seed", "1", "--chains", str(CHAINS),
                    "--warmup", str(WARMUP), "--draws", str(DRAWS), "--adapt-delta", str(ADAPT_DELTA), "--out", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    chains = []
    for c in range(1, CHAINS + 1):
        with open(os.path.join(out, f"chain-{c}.csv")) as f:
            lines = [line for line in f if not line.startswith("#")]
        header = lines[0].strip().split(",")
        chains.append(np.array([[float(v) for v in line.split(",")] for line in lines[1:]]))
    names = [n for n in header if wanted(n, parameters)]
    columns = [header.index(n) for n in names]
    draws = np.stack([c[:, columns] for c in chains])
    divergent = int(sum(c[:, header.index("divergent__")].sum() for c in chains))
    return seconds, lowest_ess(draws, names, folder), divergent


def main():
    validate.ensure_environment()
    models = sys.argv[1:] or ["gng_m4", "ts_par6", "igt_orl"]
    if not os.path.exists(ARVIZ):
        raise SystemExit("no .build-venv: run scripts/validate_with_arviz.sh once (it installs ArviZ there)")
    stan_dir, data_dir = validate.hbayesdm_files()
    print(f"{CHAINS} chains x ({WARMUP} + {DRAWS}), adapt_delta {ADAPT_DELTA}; min bulk ESS over group values, group sds and subject parameters")
    print(f"{'model':12} {'':6} {'seconds':>8} {'min ESS':>8} {'ESS/s':>8} {'div':>4}  worst")
    for model in models:
        program, task = validate.MODELS[model]
        with tempfile.TemporaryDirectory() as folder:
            s_seconds, s_ess, s_div, parameters, data_path = stan_run(model, program, task, stan_dir, data_dir, folder)
            r_seconds, r_ess, r_div = rlfit_run(model, data_path, parameters, folder)
        for who, seconds, ess, div in [("Stan", s_seconds, s_ess, s_div), ("RLFit", r_seconds, r_ess, r_div)]:
            print(f"{model:12} {who:6} {seconds:8.1f} {ess['min']:8.0f} {ess['min'] / seconds:8.1f} {div:4d}  {ess['at']}")
        print(f"{model:12} ratio  {s_seconds / r_seconds:8.1f}x faster, {r_ess['min'] / r_seconds / (s_ess['min'] / s_seconds):.1f}x the ESS per second")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
