"""What a picture can be colorized as; light, so that the command line's help needs no model code."""
KINDS = ("auto", "photo", "drawing")  # auto: the detector decides per picture (see auto_colorizer)
MODEL_KINDS = KINDS[1:]  # the kinds a model is for (its config's predicts_lightness says which)
