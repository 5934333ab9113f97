import plotly.express as px

fig = px.scatter(x=[1, 2, 3], y=[2, 4, 5], opacity=0.7)
fig.write_html("plot.html")
