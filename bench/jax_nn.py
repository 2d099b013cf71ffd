#!/usr/bin/env python3
"""The JAX peer of `zerolab bench nn`: the same policy-value network, shapes, loss and optimizer.

`--net reference`: 6 residual blocks x 64 channels (3x3 convs, no conv bias, BatchNorm in
training mode, ReLU), 8x8 inputs with 20 planes (NHWC), AlphaGo Zero heads: policy 1x1 conv ->
2 ch, BN, ReLU, dense to 4672 logits; value 1x1 conv -> 1 ch, BN, ReLU, dense 64, ReLU, dense 1,
tanh. `--net chess`: 10 blocks x 128 channels, squeeze-excitation on each block's branch (global
average pool, dense C/4, ReLU, dense C, sigmoid, scale), 112 planes, 1858 policy logits, a
win/draw/loss value head (dense 3). The other options override the preset. Softmax
cross-entropy + MSE (or a second softmax cross-entropy for WDL), Adam (optax), batch 256, one
jit-compiled training step. Prints the median step time after warm-up and inference
positions/s at each batch size from the median pass (as `zerolab bench nn` does), then
`JAXBENCH train=<steps/s> rss=<MB> infer1=<pos/s> ...` with the figures of the parts run
(`--only`); rss is the peak resident memory of the process (resource.getrusage) right after
training, before any inference.
"""
import argparse
import resource
import time

import jax
import jax.numpy as jnp
import optax

PRESETS = {
    "reference": dict(blocks=6, channels=64, planes=20, policy=4672, se=0, value_head="tanh"),
    "chess": dict(blocks=10, channels=128, planes=112, policy=1858, se=4, value_head="wdl"),
}
p = argparse.ArgumentParser()
p.add_argument("--net", choices=sorted(PRESETS), default="reference")
p.add_argument("--blocks", type=int)
p.add_argument("--channels", type=int)
p.add_argument("--planes", type=int)
p.add_argument("--policy", type=int)
p.add_argument("--se", type=int, help="squeeze-excitation ratio, 0 for none")
p.add_argument("--value-head", choices=("tanh", "wdl"))
p.add_argument("--batch", type=int, default=256)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--warm-up", type=int, default=2)
p.add_argument("--inference-batch", type=int, action="append")
p.add_argument("--positions", type=int, default=1280, help="timed positions per batch size (at least 3 passes)")
p.add_argument("--only", choices=("train", "infer"))
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
for k, v in PRESETS[a.net].items():
    if getattr(a, k) is None:
        setattr(a, k, v)
a.inference_batch = a.inference_batch or [1, 16, 64, 256]
wdl = a.value_head == "wdl"

key = jax.random.PRNGKey(a.seed)


def he(key, shape, fan_in):
    return jax.random.normal(key, shape, jnp.float32) * jnp.sqrt(2.0 / fan_in)


def init(key):
    keys = iter(jax.random.split(key, 64))
    C, P = a.channels, a.planes
    params = {"stem": he(next(keys), (3, 3, P, C), 9 * P), "stem_bn": (jnp.ones(C), jnp.zeros(C))}
    for b in range(a.blocks):
        params[f"b{b}"] = {
            "c1": he(next(keys), (3, 3, C, C), 9 * C), "n1": (jnp.ones(C), jnp.zeros(C)),
            "c2": he(next(keys), (3, 3, C, C), 9 * C), "n2": (jnp.ones(C), jnp.zeros(C)),
        }
        if a.se:
            hidden = max(1, C // a.se)
            params[f"b{b}"]["se1"] = (he(next(keys), (C, hidden), C), jnp.zeros(hidden))
            params[f"b{b}"]["se2"] = (he(next(keys), (hidden, C), hidden), jnp.zeros(C))
    params["pc"] = he(next(keys), (1, 1, C, 2), C)
    params["pn"] = (jnp.ones(2), jnp.zeros(2))
    params["pd"] = (he(next(keys), (128, a.policy), 128), jnp.zeros(a.policy))
    params["vc"] = he(next(keys), (1, 1, C, 1), C)
    params["vn"] = (jnp.ones(1), jnp.zeros(1))
    params["vd1"] = (he(next(keys), (64, 64), 64), jnp.zeros(64))
    params["vd2"] = (he(next(keys), (64, 3 if wdl else 1), 64), jnp.zeros(3 if wdl else 1))
    return params


def conv(x, w):
    return jax.lax.conv_general_dilated(x, w, (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))


def bn(x, p):
    axes = tuple(range(x.ndim - 1))
    m = x.mean(axes)
    v = x.var(axes)
    return (x - m) * jax.lax.rsqrt(v + 1e-5) * p[0] + p[1]


def forward(params, x):
    h = jax.nn.relu(bn(conv(x, params["stem"]), params["stem_bn"]))
    for b in range(a.blocks):
        q = params[f"b{b}"]
        y = jax.nn.relu(bn(conv(h, q["c1"]), q["n1"]))
        y = bn(conv(y, q["c2"]), q["n2"])
        if a.se:
            s = jax.nn.relu(y.mean((1, 2)) @ q["se1"][0] + q["se1"][1])
            s = jax.nn.sigmoid(s @ q["se2"][0] + q["se2"][1])
            y = y * s[:, None, None, :]
        h = jax.nn.relu(h + y)
    pz = jax.nn.relu(bn(conv(h, params["pc"]), params["pn"])).reshape(x.shape[0], -1)
    logits = pz @ params["pd"][0] + params["pd"][1]
    vz = jax.nn.relu(bn(conv(h, params["vc"]), params["vn"])).reshape(x.shape[0], -1)
    vz = jax.nn.relu(vz @ params["vd1"][0] + params["vd1"][1])
    value = vz @ params["vd2"][0] + params["vd2"][1]
    return logits, value if wdl else jnp.tanh(value)


def loss_fn(params, x, pt, vt):
    logits, value = forward(params, x)
    ce = -(pt * jax.nn.log_softmax(logits)).sum(-1).mean()
    if wdl:
        return ce - (vt * jax.nn.log_softmax(value)).sum(-1).mean()
    return ce + ((value - vt) ** 2).sum(-1).mean()


opt = optax.adam(1e-3)


@jax.jit
def step(params, state, x, pt, vt):
    loss, g = jax.value_and_grad(loss_fn)(params, x, pt, vt)
    u, state = opt.update(g, state, params)
    return optax.apply_updates(params, u), state, loss


k1, k2, k3, k4 = jax.random.split(key, 4)
params = init(k1)
state = opt.init(params)
x = (jax.random.uniform(k2, (a.batch, 8, 8, a.planes)) < 0.2).astype(jnp.float32)
pt = jax.nn.one_hot(jax.random.randint(k3, (a.batch,), 0, a.policy), a.policy)
if wdl:
    vt = jax.nn.one_hot(jax.random.randint(k4, (a.batch,), 0, 3), 3)
else:
    vt = jax.random.randint(k4, (a.batch, 1), -1, 2).astype(jnp.float32)
figures = []
if a.only != "infer":
    times = []
    for i in range(a.steps + a.warm_up):
        t0 = time.perf_counter()
        params, state, loss = step(params, state, x, pt, vt)
        loss.block_until_ready()
        if i >= a.warm_up:
            times.append(time.perf_counter() - t0)
    times.sort()
    median = times[len(times) // 2]
    print(f"jax train: median step {median * 1000:.1f} ms, loss {float(loss):.4f}")
    figures.append(f"train={1 / median:.3f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"jax peak resident memory of the process after training: {rss:.1f} MB")
    figures.append(f"rss={rss:.3f}")
if a.only != "train":
    infer = jax.jit(forward)
    for b in a.inference_batch:
        xi = (jax.random.uniform(k2, (b, 8, 8, a.planes)) < 0.2).astype(jnp.float32)
        infer(params, xi)[0].block_until_ready()
        reps = max(3, a.positions // b)
        passes = []
        for _ in range(reps):
            t0 = time.perf_counter()
            infer(params, xi)[0].block_until_ready()
            passes.append(time.perf_counter() - t0)
        passes.sort()
        rate = b / passes[reps // 2]
        print(f"jax inference batch {b}, {reps} passes: median pass {passes[reps // 2] * 1000:.3f} ms = "
              f"{rate:.0f} positions/s (fastest {passes[0] * 1000:.3f}, slowest {passes[-1] * 1000:.3f} ms)")
        figures.append(f"infer{b}={rate:.0f}")
print("JAXBENCH " + " ".join(figures))
