"""Training loops for both model kinds, with checkpoints so a killed run resumes where it stopped."""
from __future__ import annotations

import math
import os
import signal
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from .data import SiteBank
from .models import DirectModel, Denoiser, PatchDiscriminator
from .resshift import Schedule, make_y0, q_sample

POS_WEIGHT = 4.0  # boundary pixels are rare (~5 %); weigh them up so the maps do not collapse to 0


WIDTHS = (16, 32, 64, 128, 128)


def build(kind: str, schedule: Schedule | None = None, widths=WIDTHS, c_in: int = 3, c_out: int = 7,
          ) -> torch.nn.Module:
    return DirectModel(widths, c_in, c_out) if kind == "direct" else Denoiser(schedule.steps, widths)


def direct_loss(out: torch.Tensor, y: torch.Tensor, n_stains: int = 5) -> torch.Tensor:
    """L1 on the stains (the first n_stains outputs) + 0.5 x weighted BCE on the boundary maps after them."""
    paint = F.l1_loss(out[:, :n_stains], y[:, :n_stains])
    if out.shape[1] == n_stains:
        return paint
    p = ((out[:, n_stains:] + 1) / 2).clamp(1e-4, 1 - 1e-4)
    tgt = (y[:, n_stains:] + 1) / 2
    w = 1 + (POS_WEIGHT - 1) * tgt
    bound = F.binary_cross_entropy(p, tgt, weight=w)
    return paint + 0.5 * bound


def diffusion_loss(x0_hat: torch.Tensor, x0: torch.Tensor) -> torch.Tensor:
    w = torch.ones_like(x0)
    w[:, 5:] = 1 + (POS_WEIGHT - 1) * (x0[:, 5:] + 1) / 2
    return (w * (x0_hat - x0) ** 2).mean()


def lr_at(step: int, progress: float, base: float) -> float:
    """Warm-up over 50 steps, then cosine decay over the run's progress (0..1) to 5 % of base."""
    warm = min(1.0, (step + 1) / 50)
    return base * warm * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def train(kind: str, bank: SiteBank, ckpt: str, *, steps: int, batch: int, crop: int, lr: float, seed: int,
          schedule: Schedule | None, gan_weight: float = 0.0, max_minutes: float | None = None,
          widths=WIDTHS, log=print, n_stains: int = 5, on_step=None) -> dict:
    """on_step(step, steps, loss, seconds) after every step, for a caller that reports it (the app's job)."""
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(seed)
    c_in, c_out = bank.inputs[0].shape[0], bank.targets[0].shape[0]
    model = build(kind, schedule, widths, c_in, c_out).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.99))
    disc = d_opt = None
    if gan_weight > 0 and kind == "direct":
        disc = PatchDiscriminator(3 + 7).to(dev)
        d_opt = torch.optim.Adam(disc.parameters(), lr=lr, betas=(0.5, 0.999))
    state = {"step": 0, "seconds": 0.0, "losses": []}
    if os.path.exists(ckpt):
        saved = torch.load(ckpt, map_location=dev)
        model.load_state_dict(saved["model"])
        opt.load_state_dict(saved["opt"])
        if disc is not None and saved.get("disc"):
            disc.load_state_dict(saved["disc"])
            d_opt.load_state_dict(saved["d_opt"])
        state = saved["state"]
        log(f"resumed {ckpt} at step {state['step']}")
    rng = np.random.default_rng(seed + state["step"])
    t0, last_save = time.time(), time.time()
    seconds0 = state["seconds"]
    model.train()
    # a cancel (the app's SIGTERM to the process group) saves the checkpoint after the current
    # step, so re-running the same job resumes where it stopped, not from the last 2-minute save
    stop = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while state["step"] < steps:
        if stop:
            state["seconds"] = seconds0 + time.time() - t0
            save(ckpt, model, opt, disc, d_opt, state, kind, schedule, widths, (c_in, c_out))
            log(f"stopped at step {state['step']}; checkpoint saved in {ckpt}")
            sys.exit(143)
        elapsed = seconds0 + time.time() - t0
        if max_minutes and elapsed > max_minutes * 60:
            log(f"time budget of {max_minutes} min reached at step {state['step']}")
            break
        # the schedule follows whichever ends first: the step count or the time budget
        progress = max(state["step"] / steps, elapsed / (max_minutes * 60) if max_minutes else 0.0)
        for g in opt.param_groups:
            g["lr"] = lr_at(state["step"], progress, lr)
        xb, yb = bank.batch(rng, batch, crop)
        x, y = torch.from_numpy(xb).to(dev), torch.from_numpy(yb).to(dev)
        if kind == "direct":
            out = model(x)
            loss = direct_loss(out, y, n_stains)
            if disc is not None:
                fake = disc(torch.cat([x, out], 1))
                loss = loss + gan_weight * F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))
        else:
            t = torch.from_numpy(rng.integers(0, schedule.steps, size=batch)).to(dev)
            y0 = make_y0(x)
            noise = torch.randn(y.shape, generator=None, device=dev)
            xt = q_sample(schedule, y, y0[:, :7], t, noise)
            scale = torch.as_tensor(schedule.input_scale(), dtype=xt.dtype, device=dev)[t][:, None, None, None]
            out = model(xt * scale, y0, t)
            loss = diffusion_loss(out, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if disc is not None:
            real = disc(torch.cat([x, y], 1))
            fake = disc(torch.cat([x, out.detach()], 1))
            d_loss = 0.5 * (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()
        state["step"] += 1
        state["losses"].append(float(loss))
        if on_step:
            on_step(state["step"], steps, float(loss), seconds0 + time.time() - t0)
        if state["step"] % 25 == 0:
            el = seconds0 + time.time() - t0
            log(f"step {state['step']}/{steps} loss {np.mean(state['losses'][-25:]):.4f} {el / 60:.1f} min")
        if time.time() - last_save > 120 or state["step"] == steps:
            state["seconds"] = seconds0 + time.time() - t0
            save(ckpt, model, opt, disc, d_opt, state, kind, schedule, widths, (c_in, c_out))
            last_save = time.time()
    signal.signal(signal.SIGTERM, previous)
    state["seconds"] = seconds0 + time.time() - t0
    save(ckpt, model, opt, disc, d_opt, state, kind, schedule, widths, (c_in, c_out))
    return state


def save(path, model, opt, disc, d_opt, state, kind, schedule, widths, channels=(3, 7)):
    tmp = path + ".partial"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                "disc": disc.state_dict() if disc is not None else None,
                "d_opt": d_opt.state_dict() if d_opt is not None else None,
                "state": state, "kind": kind, "widths": list(widths), "channels": list(channels),
                "schedule": schedule.__dict__ if schedule else None}, tmp)
    os.replace(tmp, path)


def load_model(path: str) -> tuple[torch.nn.Module, str, Schedule | None, dict]:
    saved = torch.load(path, map_location="cpu")
    schedule = Schedule(**saved["schedule"]) if saved["schedule"] else None
    model = build(saved["kind"], schedule, tuple(saved["widths"]), *saved.get("channels", (3, 7)))
    model.load_state_dict(saved["model"])
    return model.eval(), saved["kind"], schedule, saved["state"]
