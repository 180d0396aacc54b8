"""Blend two weights of one network, layer by layer: (1 - t) * FIRST + t * SECOND (WiSE-FT).

Fine-tuning the scenes-only default on the photo mix won faces and lost some scenes; averaging the
weights of a model and its fine-tuned descendant (Wortsman et al. 2022, "Robust fine-tuning of
zero-shot models") often keeps most of both, without training. A layer that only SECOND has (hint
layers added at zero, a lightness head) stands for zero in FIRST, so FIRST's own behaviour is the
t = 0 end. The result is a weights folder with SECOND's config; `train export` makes it compact.
"""
import sys

import numpy as np

from colorize.weights import WeightsError, load_local, save_weights


def add_arguments(parser):
    parser.add_argument("--weights", nargs=2, required=True, metavar=("FIRST", "SECOND"),
                        help="two weights folders or runs of the same network (SECOND may add layers)")
    parser.add_argument("--share", type=float, required=True, metavar="T",
                        help="how much of SECOND, from 0 (FIRST) to 1 (SECOND)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the weights folder to write")


def blend_models(first, second, share):
    """SECOND's model, its weights moved to (1 - share) * first + share * second, in place."""
    second_names = {layer.name for layer in second.layers if layer.get_weights()}
    missing = [layer.name for layer in first.layers if layer.get_weights() and layer.name not in second_names]
    if missing:
        raise ValueError(f"the second weights lack {len(missing)} layers of the first ({', '.join(missing[:3])}...): "
                         "not one network")
    for layer in second.layers:
        own = layer.get_weights()
        if not own:
            continue
        try:
            other = first.get_layer(layer.name).get_weights()
        except ValueError:  # not in FIRST: it stands for zero there
            other = [np.zeros_like(w) for w in own]
        if [w.shape for w in other] != [w.shape for w in own]:
            raise ValueError(f"layer {layer.name} has other shapes in the two weights: not one network")
        layer.set_weights([(1.0 - share) * a + share * b for a, b in zip(other, own)])
    return second


def run(args):
    if not 0.0 <= args.share <= 1.0:
        print(f"blend: --share must be from 0 to 1, not {args.share}", file=sys.stderr)
        return 2
    try:
        first, second = (load_local(path) for path in args.weights)
        model = blend_models(first.model, second.model, args.share)
    except (WeightsError, ValueError) as error:
        print(f"blend: {error}", file=sys.stderr)
        return 2
    config = {key: value for key, value in second.config.items() if key not in ("weights_file", "weights_sha256")}
    config["blend"] = {"first": first.source, "second": second.source, "share": args.share}
    save_weights(model, config, args.out)
    print(f"blend: wrote {args.out} ({1 - args.share:g} x {args.weights[0]} + {args.share:g} x {args.weights[1]})")
    return 0
