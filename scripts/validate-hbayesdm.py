#!/usr/bin/env python3
"""RLFit's built-in hBayesDM models against hBayesDM's own Stan programs: the same log density
and gradient at random points.

For each model: hBayesDM's example data for its task (from the hbayesdm source distribution),
turned into Stan data the way hBayesDM's preprocessing does (subjects in order of first
appearance, trials per subject, its codings: sign of the outcome for prl, -|loss| for the
four-armed bandit, ...); hBayesDM's .stan file compiled with pystan 3; then at N random points
of the unconstrained space, Stan's log_prob (Jacobian included, constants dropped) and its
gradient against `rlfit log-prob` on the same example data file, coordinates matched by name
(mu_pr[k] is matched through the line of hBayesDM's program that uses it for a parameter).
Agreement is required to a relative 1e-8 (|a - b| <= 1e-8 * max(1, |a|, |b|)).

hBayesDM's files are GPL-3: they are downloaded into the cache folder, never into the
repository. Everything lives in $RLFIT_VALIDATION_DIR (default .build/hbayesdm-validation):
a Python venv with pystan, the hbayesdm source distribution, compiled models (pystan's cache).

    scripts/validate-hbayesdm.py                    # the models CI checks
    scripts/validate-hbayesdm.py --all              # every model in the table below
    scripts/validate-hbayesdm.py bandit4arm_lapse   # some
    RLFIT_HBAYESDM_CHECKOUT=~/hBayesDM scripts/validate-hbayesdm.py pstRT_rlddm1   # UNRELEASED below
    options: --points N (default 5), --seed S, --rlfit PATH (default .build/release/rlfit)

Exit 0 when every model agrees, 1 otherwise; prints one row per model.
"""
import argparse
import contextlib
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("RLFIT_VALIDATION_DIR", os.path.join(ROOT, ".build", "hbayesdm-validation"))
HBAYESDM_VERSION = "1.1.1"
TOLERANCE = 1e-8

# RLFit model -> (hBayesDM Stan program, task).
MODELS = {
    "bandit2arm_delta": ("bandit2arm_delta", "bandit2arm"),
    "bandit4arm_4par": ("bandit4arm_4par", "bandit4arm"),
    "bandit4arm_lapse": ("bandit4arm_lapse", "bandit4arm"),
    "bandit4arm_lapse_decay": ("bandit4arm_lapse_decay", "bandit4arm"),
    "bandit4arm_singleA_lapse": ("bandit4arm_singleA_lapse", "bandit4arm"),
    "bandit4arm_2par_lapse": ("bandit4arm_2par_lapse", "bandit4arm"),
    "bandit4arm2_kalman_filter": ("bandit4arm2_kalman_filter", "bandit4arm2"),
    "gng_m1": ("gng_m1", "gng"),
    "gng_m2": ("gng_m2", "gng"),
    "gng_m3": ("gng_m3", "gng"),
    "gng_m4": ("gng_m4", "gng"),
    "igt_pvl_delta": ("igt_pvl_delta", "igt"),
    "igt_pvl_decay": ("igt_pvl_decay", "igt"),
    "igt_vpp": ("igt_vpp", "igt"),
    "igt_orl": ("igt_orl", "igt"),
    "wcs_sql": ("wcs_sql", "wcs"),
    "prl_rp": ("prl_rp", "prl"),
    "prl_fictitious": ("prl_fictitious", "prl"),
    "prl_fictitious_rp": ("prl_fictitious_rp", "prl"),
    "prl_fictitious_woa": ("prl_fictitious_woa", "prl"),
    "prl_fictitious_rp_woa": ("prl_fictitious_rp_woa", "prl"),
    "prl_ewa": ("prl_ewa", "prl"),
    "prl_rp_multipleB": ("prl_rp_multipleB", "prl_multipleB"),
    "prl_fictitious_multipleB": ("prl_fictitious_multipleB", "prl_multipleB"),
    "pst_Q": ("pst_Q", "pst"),
    "pst_gainloss_Q": ("pst_gainloss_Q", "pst"),
    "ts_par4": ("ts_par4", "ts"),
    "ts_par6": ("ts_par6", "ts"),
    "ts_par7": ("ts_par7", "ts"),
    "alt_delta": ("alt_delta", "alt"),
    "alt_gamma": ("alt_gamma", "alt"),
    "ug_delta": ("ug_delta", "ug"),
    "ug_bayes": ("ug_bayes", "ug"),
    "bart_par4": ("bart_par4", "bart"),
    "bart_ewmv": ("bart_ewmv", "bart"),
    "pstRT_rlddm1": ("pstRT_rlddm1", "pstRT"),
    "pstRT_rlddm6": ("pstRT_rlddm6", "pstRT"),
    "hgf_ibrb": ("hgf_ibrb", "hgf"),
    "hgf_ibrb_single": ("hgf_ibrb_single", "hgf_single"),
}
# Models hBayesDM added after its last release on PyPI (1.1.1): their Stan programs and example
# data come from a checkout of https://github.com/CCS-Lab/hBayesDM (branch develop, checked
# against commit 9cbe245) named by $RLFIT_HBAYESDM_CHECKOUT.
UNRELEASED = {"pstRT_rlddm1", "pstRT_rlddm6", "hgf_ibrb", "hgf_ibrb_single"}
# hBayesDM's hgf programs (L = 3) keep each parameter kind in one vector (omega_pr holds level
# 2's subjects, then level 3's); RLFit names the levels omega_1, omega_2 (hBayesDM's columns).
# Stan's parameter vectors in order, as RLFit coordinates.
HGF_LAYOUT = [("mu_pr", "P"), ("sigma", "P"), ("kappa_pr", "N"), ("omega_1_pr", "N"), ("omega_2_pr", "N"), ("zeta_pr", "N")]
HGF_PARAMETERS = ["kappa", "omega_1", "omega_2", "zeta"]
# Stan's wiener sums its series without scaling, so at points with very short decision times
# relative to the boundary (u = t/a² small) its density underflows to 0 and log_prob fails;
# RLFit's stays finite (WienerFirstPassage). Such points are skipped (and counted) until
# --points comparable ones are found.
UNDERFLOWS = {"pstRT_rlddm1", "pstRT_rlddm6"}
# hBayesDM's hgf updates can leave the filter (a negative uncertainty) at random points, where
# Stan's density is not finite; such points are skipped (and counted) too.
NONFINITE_SKIPPED = UNDERFLOWS | {"hgf_ibrb"}
# Parameters RLFit writes as L + (U - L)·Φ≈(x) where hBayesDM writes U - (U - L)·Φ≈(x): the
# same parameter at x = -x_hBayesDM (Φ≈ is odd about 0.5), so RLFit's coordinates and
# gradient for them are hBayesDM's negated.
REFLECTED = {"bart_ewmv": {"rho"}}
# Edits to hBayesDM's programs that change no mathematics, only floating-point cancellation
# (the comparison is then of the model, not of one program's rounding); each row that uses
# one also reports the program as shipped.
# P(choice 2) = 1 - P(choice 1) loses every digit when P(choice 1) rounds near 1 (beta up to
# 10): the logistic of the negated argument is the same number, computed without it.
WITH_ALPHA = [("prob[2] = 1 - prob_1_;", "prob[2] = 1 / (1 + exp(-beta[i] * (alpha[i] - (ev[1] - ev[2]))));")]
WITHOUT_ALPHA = [("prob[2] = 1 - prob_1_;", "prob[2] = 1 / (1 + exp(-beta[i] * (ev[2] - ev[1])));")]
# Stan's bernoulli_logit_lpmf approximates log logistic(x) by x below x = -20 and by -exp(-x)
# above 20 (an absolute error up to 2e-9 per trial, and a gradient of exactly 1 or e^-x); the
# ultimatum and bart models' logits reach hundreds. log_inv_logit is the same function, exact.
EXACT_LOGIT = [("accept[i, t] ~ bernoulli_logit(util * tau[i]);", "target += log_inv_logit((2 * accept[i, t] - 1) * util * tau[i]);")]
EXACT_REWRITES = {
    "bart_par4": [("d[j, k, l] ~ bernoulli_logit(tau[j] * (omega - l));",
                   "target += log_inv_logit((2 * d[j, k, l] - 1) * tau[j] * (omega - l));")],
    "bart_ewmv": [("d[j, k, l] ~ bernoulli_logit(tau[j] * delta_u);",
                   "target += log_inv_logit((2 * d[j, k, l] - 1) * tau[j] * delta_u);")],
    "ug_delta": EXACT_LOGIT,
    "ug_bayes": EXACT_LOGIT,
    "prl_fictitious": WITH_ALPHA,
    "prl_fictitious_multipleB": WITH_ALPHA,
    "prl_fictitious_rp": WITH_ALPHA,
    "prl_fictitious_woa": WITHOUT_ALPHA,
    "prl_fictitious_rp_woa": WITHOUT_ALPHA,
}
# What .ci/run checks (each Stan compilation takes ~40 s).
CI_MODELS = ["bandit2arm_delta", "bandit4arm_lapse", "prl_rp_multipleB", "gng_m4", "ts_par7"]


def ensure_environment():
    """Re-runs this script in a venv with pystan, creating it on first use."""
    venv = os.path.join(CACHE, "venv")
    python = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(venv):
        return
    # A venv is used only once its install finished (a killed install is redone, not trusted).
    ready = os.path.join(venv, ".installed")
    if not os.path.exists(ready):
        os.makedirs(CACHE, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "pystan==3.10.0", "numpy"], check=True)
        open(ready, "w").close()
    os.execv(python, [python] + sys.argv)


def hbayesdm_files():
    """The hbayesdm source distribution's Stan programs and example data, extracted once."""
    folder = os.path.join(CACHE, f"hbayesdm-{HBAYESDM_VERSION}")
    if not os.path.isdir(folder):
        download = os.path.join(CACHE, "download")
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        f"hbayesdm=={HBAYESDM_VERSION}", "-d", download], check=True)
        archive = os.path.join(download, f"hbayesdm-{HBAYESDM_VERSION}.tar.gz")
        # Extracted beside the cache and renamed into place: a killed run leaves no half folder.
        partial = tempfile.mkdtemp(dir=CACHE)
        with tarfile.open(archive) as tar:
            tar.extractall(partial, filter="data")
        os.rename(os.path.join(partial, f"hbayesdm-{HBAYESDM_VERSION}"), folder)
        os.rmdir(partial)
    common = os.path.join(folder, "hbayesdm", "common")
    return os.path.join(common, "stan_files"), os.path.join(common, "extdata")


# Stan's old array syntax (`real x[N, T];`), removed in Stan 2.33, to the current one
# (`array[N, T] real x;`); hBayesDM 1.1.1's programs use the old one.
DECLARATION = re.compile(
    r"^(\s*)((?:int|real|vector|row_vector|matrix|simplex)(?:\s*<[^>;]*>)?(?:\s*\[[^\]]*\])?)\s+(\w+)\s*\[([^\]]+)\]\s*(;|=)",
    re.M)


def current_stan(source):
    source = re.sub(r"^\s*#include.*$", "", source, flags=re.M)
    return DECLARATION.sub(lambda m: f"{m.group(1)}array[{m.group(4)}] {m.group(2)} {m.group(3)} {m.group(5)}", source)


# ---- hBayesDM's data preparation, per task ----

def read_table(path):
    with open(path) as f:
        header = f.readline().rstrip("\r\n").split("\t")
        rows = [line.rstrip("\r\n").split("\t") for line in f if line.strip()]
    keys = [h.strip().strip('"').lower().replace("_", "") for h in header]
    return [dict(zip(keys, (v.strip('"') for v in r))) for r in rows]


def by_subject(rows, columns):
    """Rows with every column present, grouped by subject in order of first appearance
    (hBayesDM drops rows with a missing value; RLFit masks them, the same density)."""
    groups = {}
    for r in rows:
        if any(r.get(c, "NA") in ("", "NA", "NaN") for c in columns):
            continue
        groups.setdefault(r["subjid"], []).append(r)
    return list(groups.values())


def padded(groups, column, fill, convert):
    T = max(len(g) for g in groups)
    return [[convert(r[column]) for r in g] + [fill] * (T - len(g)) for g in groups]


def bandit2arm_data(path):
    """bandit2arm and bandit4arm2: choice and outcome as they are."""
    groups = by_subject(read_table(path), ["choice", "outcome"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "choice": padded(groups, "choice", -1, int), "outcome": padded(groups, "outcome", 0.0, float)}


def bandit4arm_data(path):
    groups = by_subject(read_table(path), ["choice", "gain", "loss"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "rew": padded(groups, "gain", 0.0, float), "los": padded(groups, "loss", 0.0, lambda v: -abs(float(v))),
            "choice": padded(groups, "choice", -1, int)}


def sign(v):
    return float((v > 0) - (v < 0))


def prl_data(path):
    groups = by_subject(read_table(path), ["choice", "outcome"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "choice": padded(groups, "choice", -1, int),
            "outcome": padded(groups, "outcome", 0.0, lambda v: sign(float(v)))}


def prl_multipleB_data(path):
    groups = by_subject(read_table(path), ["choice", "outcome", "block"])
    blocks = []
    for g in groups:
        per = {}
        for r in g:
            per.setdefault(r["block"], []).append(r)
        blocks.append(list(per.values()))
    B = max(map(len, blocks))
    T = max(len(b) for s in blocks for b in s)
    choice = [[[int(r["choice"]) for r in b] + [-1] * (T - len(b)) for b in s] + [[-1] * T] * (B - len(s)) for s in blocks]
    outcome = [[[sign(float(r["outcome"])) for r in b] + [0.0] * (T - len(b)) for b in s] + [[0.0] * T] * (B - len(s))
               for s in blocks]
    return {"N": len(groups), "B": B, "Bsubj": [len(s) for s in blocks], "T": T,
            "Tsubj": [[len(b) for b in s] + [0] * (B - len(s)) for s in blocks], "choice": choice, "outcome": outcome}


def gng_data(path):
    groups = by_subject(read_table(path), ["cue", "keypressed", "outcome"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "cue": padded(groups, "cue", 1, int), "pressed": padded(groups, "keypressed", -1, int),
            "outcome": padded(groups, "outcome", 0.0, float)}


def igt_data(path, payscale=100.0):
    groups = by_subject(read_table(path), ["choice", "gain", "loss"])
    net = padded(groups, "gain", 0.0, float)
    losses = padded(groups, "loss", 0.0, lambda v: abs(float(v)))
    outcome = [[(g - l) / payscale for g, l in zip(gs, ls)] for gs, ls in zip(net, losses)]
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "choice": padded(groups, "choice", -1, int), "outcome": outcome,
            "sign_out": [[float((o > 0) - (o < 0)) for o in row] for row in outcome]}


def pst_data(path):
    """The pair code `type` split into its two stimuli (tens digit, ones digit)."""
    groups = by_subject(read_table(path), ["type", "choice", "reward"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "option1": padded(groups, "type", -1, lambda v: int(v) // 10),
            "option2": padded(groups, "type", -1, lambda v: int(v) % 10),
            "choice": padded(groups, "choice", -1, int), "reward": padded(groups, "reward", 0.0, float)}


def ts_data(path, trans_prob=0.7):
    groups = by_subject(read_table(path), ["level1choice", "level2choice", "reward"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "level1_choice": padded(groups, "level1choice", 1, int), "level2_choice": padded(groups, "level2choice", 1, int),
            "reward": padded(groups, "reward", 0, int), "trans_prob": trans_prob}


def alt_data(path):
    groups = by_subject(read_table(path), ["choice", "outcome", "bluepunish", "orangepunish"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "choice": padded(groups, "choice", -1, int), "outcome": padded(groups, "outcome", 0.0, float),
            "bluePunish": padded(groups, "bluepunish", 0.0, float), "orangePunish": padded(groups, "orangepunish", 0.0, float)}


def ug_data(path):
    groups = by_subject(read_table(path), ["offer", "accept"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "offer": padded(groups, "offer", 0.0, float), "accept": padded(groups, "accept", -1, int)}


def bart_data(path):
    groups = by_subject(read_table(path), ["pumps", "explosion"])
    pumps = padded(groups, "pumps", 0, int)
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "P": max(max(row) for row in pumps) + 1, "pumps": pumps, "explosion": padded(groups, "explosion", 0, int)}


def pstRT_data(path, RTbound=0.1, initQ=0.5):
    """minRT: each subject's fastest response (hBayesDM aggregates by sorted subject id, the
    order of first appearance in its example data); prob: each condition's reward probability."""
    groups = by_subject(read_table(path), ["iter", "cond", "choice", "rt", "feedback"])
    prob = {}
    for g in groups:
        for r in g:
            prob[int(r["cond"])] = float(r["prob"])
    return {"N": len(groups), "T": max(map(len, groups)), "Tsubj": [len(g) for g in groups],
            "Isubj": padded(groups, "iter", -1, int), "n_cond": len(prob), "cond": padded(groups, "cond", -1, int),
            "choice": padded(groups, "choice", -1, int), "RT": padded(groups, "rt", -1.0, float),
            "fd": padded(groups, "feedback", -1.0, float), "initQ": initQ,
            "minRT": [min(float(r["rt"]) for r in g) for g in groups], "RTbound": RTbound,
            "prob": [prob[c] for c in sorted(prob)]}


def hgf_data(path, single=False):
    """hBayesDM's defaults for L = 3; u and y at their trial numbers, -1 where missing."""
    groups = by_subject(read_table(path), ["trialnum", "u", "y"])
    T = max(int(r["trialnum"]) for g in groups for r in g)
    u = [[-1] * T for _ in groups]
    y = [[-1] * T for _ in groups]
    for n, g in enumerate(groups):
        for r in g:
            t = int(r["trialnum"]) - 1
            if r["u"] in ("0", "1"):
                u[n][t] = int(r["u"])
            if r["y"] in ("0", "1"):
                y[n][t] = int(r["y"])
    data = {"T": T, "L": 3, "input_first": 0, "mu0": [0.5, 1.0], "sigma0": [0.1, 1.0], "kappa_lower": [0.0],
            "kappa_upper": [2.0], "omega_lower": [-10.0, -15.0], "omega_upper": [0.0, 0.0], "zeta_lower": 0.0, "zeta_upper": 2.0}
    if single:
        assert len(groups) == 1
        data.update({"u": u[0], "y": y[0]})
    else:
        data.update({"N": len(groups), "u": u, "y": y})
    data["Tsubj"] = [T] * len(groups)  # for this script's subject count; Stan ignores it
    return data


def wcs_data(path):
    """hBayesDM's wcs preprocessing: the 128-card answer sheet (rows color, form, number: the
    matching deck per trial) gives deck_match_rule[t] and, with the choice, choice_match_att."""
    sheet = os.path.join(os.path.dirname(path), "wcs_answersheet.txt")
    with open(sheet) as f:
        f.readline()
        answer = [[int(v) for v in line.rstrip("\r\n").split("\t")[1:]] for line in f if line.strip()]
    groups = by_subject(read_table(path), ["choice", "outcome"])
    T = 128
    choice = [[[0] * T for _ in range(4)] for _ in groups]
    outcome = [[-1] * T for _ in groups]
    match = [[[[0, 0, 0]] for _ in range(T)] for _ in groups]
    for s, g in enumerate(groups):
        for t, r in enumerate(g):
            c = int(r["choice"])
            choice[s][c - 1][t] = 1
            outcome[s][t] = int(r["outcome"])
            match[s][t][0] = [int(c == answer[k][t]) for k in range(3)]
    rule = [[[1.0 if answer[k][t] == deck + 1 else 0.0 for deck in range(4)] for k in range(3)] for t in range(T)]
    return {"N": len(groups), "T": T, "Tsubj": [len(g) for g in groups], "choice": choice, "outcome": outcome,
            "choice_match_att": match, "deck_match_rule": rule}


# Arguments rlfit needs beside the data file, per task: the columns hBayesDM keeps apart.
RLFIT_DATA_ARGUMENTS = {"wcs": lambda data_dir: ["--trial-table", os.path.join(data_dir, "wcs_answersheet.txt")]}


TASKS = {
    "bandit2arm": ("bandit2arm_exampleData.txt", bandit2arm_data),
    "bandit4arm": ("bandit4arm_exampleData.txt", bandit4arm_data),
    "bandit4arm2": ("bandit4arm2_exampleData.txt", bandit2arm_data),
    "gng": ("gng_exampleData.txt", gng_data),
    "igt": ("igt_exampleData.txt", igt_data),
    "prl": ("prl_exampleData.txt", prl_data),
    "prl_multipleB": ("prl_multipleB_exampleData.txt", prl_multipleB_data),
    "pst": ("pst_exampleData.txt", pst_data),
    "ts": ("ts_exampleData.txt", ts_data),
    "alt": ("alt_exampleData.txt", alt_data),
    "ug": ("ug_exampleData.txt", ug_data),
    "bart": ("bart_exampleData.txt", bart_data),
    "pstRT": ("pstRT_exampleData.txt", pstRT_data),
    "hgf": ("hgf_ibrb_exampleData.txt", hgf_data),
    "hgf_single": ("hgf_ibrb_single_exampleData.txt", lambda path: hgf_data(path, single=True)),
    "wcs": ("wcs_exampleData.txt", wcs_data),
}


# ---- coordinates ----

def stan_parameters(source):
    """The parameter block's declarations in order: (name, length), lengths 'P' or 'N'."""
    block = re.search(r"\nparameters\s*\{(.*?)\n\}", source, re.S).group(1)
    found = []
    for m in re.finditer(r"vector(?:<[^>]*>)?\[(\w+)\]\s+(\w+)\s*;", block):
        found.append((m.group(2), m.group(1)))
    return found


def group_index(source):
    """hBayesDM parameter name -> its index k in mu_pr[k], read off the lines that build it."""
    index = {}
    for m in re.finditer(r"mu_pr\[(\d+)\]\s*\+\s*sigma\[\1\]\s*\.?\*\s*(\w+)_pr", source):
        index[m.group(2)] = int(m.group(1))
    return index


@contextlib.contextmanager
def output_to(path):
    """Standard output and error, of this process and its children, appended to `path`."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(path, "a") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def unreleased_files():
    checkout = os.environ.get("RLFIT_HBAYESDM_CHECKOUT")
    if not checkout:
        return None
    return os.path.join(checkout, "commons", "stan_files"), os.path.join(checkout, "commons", "extdata")


def validate(model, stan_dir, data_dir, rlfit, points, rng, rewrites=True):
    import stan
    program, task = MODELS[model]
    if model in UNRELEASED:
        found = unreleased_files()
        if found is None:
            return model, None, None, "skipped: not in hbayesdm 1.1.1; set RLFIT_HBAYESDM_CHECKOUT to a clone of github.com/CCS-Lab/hBayesDM"
        stan_dir, data_dir = found
    source = open(os.path.join(stan_dir, program + ".stan")).read()
    data_file, prepare = TASKS[task]
    data_path = os.path.join(data_dir, data_file)
    code = current_stan(source)
    for old, new in EXACT_REWRITES.get(model, []) if rewrites else []:
        assert old in code, (model, old)
        code = code.replace(old, new)
    with output_to(os.path.join(CACHE, "stan-build.log")):  # pystan's progress, the C++ compiler's warnings
        data = prepare(data_path)
    posterior = stan.build(code, data=data, random_seed=1)

    if task in ("hgf", "hgf_single"):
        declarations = HGF_LAYOUT
        subject_parameters = HGF_PARAMETERS
        k_of = {p: k + 1 for k, p in enumerate(HGF_PARAMETERS)}
    else:
        declarations = stan_parameters(source)
        subject_parameters = [name[:-3] for name, size in declarations if name.endswith("_pr") and name != "mu_pr"]
        k_of = group_index(source)
    assert sorted(k_of) == sorted(subject_parameters), (k_of, subject_parameters)
    N = len(data["Tsubj"])
    if task == "hgf_single":
        return validate_single(model, posterior, rlfit, data_path, subject_parameters, points, rng)
    P = len(subject_parameters)
    extra = RLFIT_DATA_ARGUMENTS[task](data_dir) if task in RLFIT_DATA_ARGUMENTS else []
    rlfit_order = rlfit_parameter_order(rlfit, model, data_path, subject_parameters, N, extra)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        pts = os.path.join(tmp, "points.csv")
        draws = []
        for _ in range(points * (4 if model in NONFINITE_SKIPPED else 1)):
            point = {}
            for p in subject_parameters:
                point[("mu", p)] = rng.normal(0, 1)
                point[("logsigma", p)] = rng.normal(-1, 0.5)
                for s in range(N):
                    point[("z", p, s)] = rng.normal(0, 1)
            draws.append(point)
        header = ([f"mu_pr.{i + 1}" for i in range(P)] + [f"sigma.{i + 1}" for i in range(P)]
                  + [f"{p}_pr.{s + 1}" for p in rlfit_order for s in range(N)])

        reflected = REFLECTED.get(model, set())

        def rlfit_value(point, name):
            kind, _, rest = name.partition(".")
            if kind == "mu_pr":
                p = rlfit_order[int(rest) - 1]
                return -point[("mu", p)] if p in reflected else point[("mu", p)]
            if kind == "sigma":
                return point[("logsigma", rlfit_order[int(rest) - 1])]
            return -point[("z", kind[:-3], int(rest) - 1)] if kind[:-3] in reflected else point[("z", kind[:-3], int(rest) - 1)]

        with open(pts, "w") as f:
            f.write(",".join(header) + "\n")
            for point in draws:
                f.write(",".join(repr(rlfit_value(point, n)) for n in header) + "\n")
        out = subprocess.run([rlfit, "log-prob", data_path, "--model", model, "--points", pts] + extra,
                             capture_output=True, text=True)
        if out.returncode != 0:
            return model, None, None, f"rlfit log-prob failed: {out.stderr.strip()}"
        lines = out.stdout.strip().split("\n")
        columns = lines[0].split(",")
        ours = [dict(zip(columns, map(float, line.split(",")))) for line in lines[1:]]

    worst_lp = worst_gradient = 0.0
    compared = underflows = both_nonfinite = 0
    for point, mine in zip(draws, ours):
        if compared == points:
            break
        # Stan's unconstrained vector, in its declaration order.
        x, labels = [], []
        for name, size in declarations:
            if name == "mu_pr":
                by_k = {k_of[p]: p for p in subject_parameters}
                for k in range(1, P + 1):
                    x.append(point[("mu", by_k[k])]); labels.append(f"mu_pr.{rlfit_order.index(by_k[k]) + 1}")
            elif name == "sigma":
                by_k = {k_of[p]: p for p in subject_parameters}
                for k in range(1, P + 1):
                    x.append(point[("logsigma", by_k[k])]); labels.append(f"sigma.{rlfit_order.index(by_k[k]) + 1}")
            else:
                p = name[:-3]
                for s in range(N):
                    x.append(point[("z", p, s)]); labels.append(f"{p}_pr.{s + 1}")
        try:
            lp = posterior.log_prob(x, adjust_transform=True)
            gradient = posterior.grad_log_prob(x)
        except ValueError:  # httpstan's JSON cannot carry a non-finite value
            lp, gradient = math.nan, [math.nan] * len(labels)
            if model in NONFINITE_SKIPPED:
                if math.isfinite(mine["lp__"]):
                    underflows += 1
                else:
                    both_nonfinite += 1
                continue
        compared += 1
        worst_lp = max(worst_lp, relative(lp, mine["lp__"]))
        for label, g in zip(labels, gradient):
            kind, _, rest = label.partition(".")
            flip = kind[:-3] in reflected or (kind == "mu_pr" and rlfit_order[int(rest) - 1] in reflected)
            worst_gradient = max(worst_gradient, relative(g, -mine["grad." + label] if flip else mine["grad." + label]))
    verdict = "ok" if worst_lp <= TOLERANCE and worst_gradient <= TOLERANCE and compared == points else "DIFFERS"
    if underflows:
        verdict += f" ({underflows} other points skipped: Stan's density is not finite there, RLFit's is"
        verdict += ": Stan's wiener underflows)" if model in UNDERFLOWS else ")"
    if both_nonfinite:
        verdict += f" ({both_nonfinite} other points skipped: neither density is finite there)"
    return model, worst_lp, worst_gradient, verdict


def validate_single(model, posterior, rlfit, data_path, names, points, rng):
    """A program without a hierarchy (hBayesDM's *_single): Stan's vector is the parameters'
    logit-scale values in order; RLFit's coordinates (hierarchy none) are <p>_pr.1."""
    header = [f"{p}_pr.1" for p in names]
    draws = [[rng.normal(0, 2) for _ in names] for _ in range(4 * points)]
    with tempfile.TemporaryDirectory() as tmp:
        pts = os.path.join(tmp, "points.csv")
        with open(pts, "w") as f:
            f.write(",".join(header) + "\n")
            for x in draws:
                f.write(",".join(repr(v) for v in x) + "\n")
        out = subprocess.run([rlfit, "log-prob", data_path, "--model", model, "--points", pts], capture_output=True, text=True)
        if out.returncode != 0:
            return model, None, None, f"rlfit log-prob failed: {out.stderr.strip()}"
    lines = out.stdout.strip().split("\n")
    columns = lines[0].split(",")
    worst_lp = worst_gradient = 0.0
    compared = skipped = 0
    for x, line in zip(draws, lines[1:]):
        if compared == points:
            break
        mine = dict(zip(columns, map(float, line.split(","))))
        try:
            lp = posterior.log_prob(x, adjust_transform=True)
            gradient = posterior.grad_log_prob(x)
        except ValueError:  # not finite in Stan (see NONFINITE_SKIPPED)
            skipped += 1
            continue
        compared += 1
        worst_lp = max(worst_lp, relative(lp, mine["lp__"]))
        for name, g in zip(header, gradient):
            worst_gradient = max(worst_gradient, relative(g, mine["grad." + name]))
    verdict = "ok" if worst_lp <= TOLERANCE and worst_gradient <= TOLERANCE and compared == points else "DIFFERS"
    if skipped:
        verdict += f" ({skipped} other points skipped: Stan's density is not finite there)"
    return model, worst_lp, worst_gradient, verdict


def relative(a, b):
    if not (math.isfinite(a) and math.isfinite(b)):
        return 0.0 if a == b else math.inf
    return abs(a - b) / max(1.0, abs(a), abs(b))


def rlfit_parameter_order(rlfit, model, data_path, names, N, extra=()):
    """The model file's parameter order (RLFit's mu_pr.k is its k-th parameter), from
    `rlfit log-prob --list-coordinates`."""
    out = subprocess.run([rlfit, "log-prob", data_path, "--model", model, "--list-coordinates"] + list(extra),
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"{model}: rlfit log-prob --list-coordinates failed: {out.stderr.strip()}")
    order = []
    for name in out.stdout.split():
        base = name.rsplit(".", 1)[0]
        if base.endswith("_pr") and base != "mu_pr" and base[:-3] not in order:
            order.append(base[:-3])
    assert sorted(order) == sorted(names) and len(out.stdout.split()) == len(names) * (N + 2), (order, names)
    return order


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--points", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--rlfit", default=os.path.join(ROOT, ".build", "release", "rlfit"))
    args = parser.parse_args()
    models = list(MODELS) if args.all else (args.models or CI_MODELS)
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        raise SystemExit(f"not in the validation table: {', '.join(unknown)} (known: {', '.join(MODELS)})")
    if not os.path.exists(args.rlfit):
        subprocess.run(["swift", "build", "-c", "release", "--product", "rlfit"], cwd=ROOT, check=True)
    ensure_environment()
    import numpy as np
    stan_dir, data_dir = hbayesdm_files()
    rng = np.random.default_rng(args.seed)
    print(f"{'model':28} {'max rel. diff lp':>18} {'max rel. diff grad':>20}  verdict")
    failed = False
    for model in models:
        seed = int(rng.integers(1 << 31))
        name, lp, gradient, verdict = validate(model, stan_dir, data_dir, args.rlfit, args.points, np.random.default_rng(seed))
        if lp is None:
            print(f"{name:28} {'-':>18} {'-':>20}  {verdict}")
        else:
            print(f"{name:28} {lp:18.2e} {gradient:20.2e}  {verdict}")
        if model in EXACT_REWRITES and lp is not None:
            _, lp0, gradient0, _ = validate(model, stan_dir, data_dir, args.rlfit, args.points, np.random.default_rng(seed),
                                            rewrites=False)
            print(f"{'  (program as shipped)':28} {lp0:18.2e} {gradient0:20.2e}  Stan's rounding, see EXACT_REWRITES")
        failed = failed or (verdict != "ok" and not verdict.startswith("skipped"))
        sys.stdout.flush()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
