"""The library's public names carry type hints: `colorize.__all__` and the methods of the classes it gives."""
import inspect

import colorize
from colorize.pipeline import Prediction
from colorize.weights import LoadedWeights


def methods(cls):
    for name, member in vars(cls).items():
        function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
        if (not name.startswith("_") or name == "__init__") and inspect.isfunction(function):
            yield f"{cls.__name__}.{name}", function


def public_functions():
    for name in colorize.__all__:
        value = getattr(colorize, name)
        if not inspect.isclass(value):
            yield name, value
        elif not issubclass(value, Exception):
            yield from methods(value)
    for returned in (Prediction, LoadedWeights):  # what the public ones give back
        yield from methods(returned)


def test_every_public_function_and_method_says_what_it_takes_and_gives():
    untyped = []
    for name, function in public_functions():
        signature = inspect.signature(function)
        parameters = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
        untyped += [f"{name}({p.name})" for p in parameters if p.annotation is inspect.Parameter.empty]
        if signature.return_annotation is inspect.Signature.empty:
            untyped.append(f"{name} -> ?")
    assert not untyped, f"without type hints: {', '.join(untyped)}"
